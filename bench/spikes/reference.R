# The field's reference detectors on the benchmark's series (bench/spikes/run.ts writes them, runs this
# with Rscript and reads the alarms back). R package `surveillance` (Debian r-cran-surveillance).
#
# Usage: Rscript reference.R SERIES_FILE ALARMS_FILE TIMING_FILE ALPHA FIRST_TEST_WEEK
#   SERIES_FILE: one series a line, "name,count_1,...,count_n" (integers, written by run.ts).
#   ALARMS_FILE: one line per series and method, "name,method,a_1,...,a_m" (0/1 for the test weeks).
#   TIMING_FILE: "method,seconds" (CPU user+system time over all series so far; rewritten after each series).
# FIRST_TEST_WEEK is 1-based; the test weeks run from it to the end of each series.
suppressPackageStartupMessages(library(surveillance))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 5) stop("usage: Rscript reference.R SERIES_FILE ALARMS_FILE TIMING_FILE ALPHA FIRST_TEST_WEEK")
series_file <- args[1]
alarms_file <- args[2]
timing_file <- args[3]
alpha <- as.numeric(args[4])
first_test <- as.integer(args[5])

# Noufaily et al. (2013) settings of farringtonFlexible, as in the package's vignette "monitoringCounts"
# (con.noufaily); every other control entry is the package default (limit54 = c(5, 4) among them).
noufaily_control <- function(range) list(
  range = range, noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58,
  pastWeeksNotIncluded = 26, pThresholdTrend = 1, thresholdMethod = "nbPlugin",
  alpha = alpha, glmWarnings = FALSE
)

methods <- list(
  farringtonFlexible = function(s, range) farringtonFlexible(s, control = noufaily_control(range)),
  earsC1 = function(s, range) earsC(s, control = list(range = range, method = "C1", alpha = alpha)),
  earsC2 = function(s, range) earsC(s, control = list(range = range, method = "C2", alpha = alpha)),
  earsC3 = function(s, range) earsC(s, control = list(range = range, method = "C3", alpha = alpha))
)

lines <- readLines(series_file)
out <- file(alarms_file, open = "w")
seconds <- setNames(numeric(length(methods)), names(methods))
for (line in lines) {
  fields <- strsplit(line, ",", fixed = TRUE)[[1]]
  name <- fields[1]
  y <- as.integer(fields[-1])
  s <- sts(observed = matrix(y, ncol = 1), frequency = 52, start = c(2000, 1))
  range <- first_test:length(y)
  for (m in names(methods)) {
    started <- proc.time()
    res <- methods[[m]](s, range)
    used <- proc.time() - started
    seconds[m] <- seconds[m] + used[["user.self"]] + used[["sys.self"]]
    a <- as.integer(alarms(res)[, 1])
    a[is.na(a)] <- 0L
    writeLines(paste(c(name, m, a), collapse = ","), out)
  }
  # Complete lines and the times so far on disk after every series, so that an interrupted run (the
  # benchmark takes hours on a busy machine) can still be used for the series it finished.
  flush(out)
  writeLines(paste(names(seconds), format(seconds, digits = 6), sep = ","), timing_file)
}
close(out)
