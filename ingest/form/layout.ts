import { html, Html } from './escape.ts';

// One small inline stylesheet: no external assets, so the page is one request and renders at once.
// Large text, strong focus outlines and high-contrast colours for a public service page.
const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:19px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#f3f2f1}
.skip{position:absolute;left:-9999px;top:0;background:#fd0;color:#0b0c0c;padding:.5rem 1rem}
.skip:focus{left:0;z-index:1}
header{background:#0b0c0c;color:#fff;padding:.75rem 1rem;border-bottom:8px solid #1d70b8}
header .brand{font-weight:700;font-size:1.2rem;color:#fff;text-decoration:none}
main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem;background:#fff;min-height:100vh}
h1{font-size:2rem;line-height:1.15;margin:.5rem 0 1rem}
h2{font-size:1.4rem;margin:1.5rem 0 .75rem}
p{margin:0 0 1rem}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}
legend{font-weight:700;font-size:1.35rem;margin-bottom:.5rem;padding:0}
fieldset fieldset legend{font-size:1.05rem}
.call{border-left:5px solid #b1b4b6;padding:.25rem 0 .25rem 1rem;margin-bottom:2rem}
.field{margin-bottom:1.25rem}
.field.has-error{border-left:5px solid #d4351c;padding-left:.75rem}
label{display:block;font-weight:700;margin-bottom:.25rem}
.radios label,.optional{font-weight:400}
.hint{color:#505a5f;margin:0 0 .35rem}
.error-message{color:#d4351c;font-weight:700;margin:0 0 .35rem}
input[type=text],input[type=tel],input[type=email],input[type=date],input[type=time],select,textarea{font:inherit;border:2px solid #0b0c0c;padding:.35rem .5rem;width:100%;max-width:100%;background:#fff;color:#0b0c0c;border-radius:0}
input[type=date],input[type=time]{width:auto}
.pair{display:flex;gap:1.5rem;flex-wrap:wrap}
.has-error input,.has-error select,.has-error textarea{border-color:#d4351c;border-width:3px}
input:focus,select:focus,textarea:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
textarea{min-height:6rem}
.radios{display:grid;gap:.35rem}
.radios div{display:flex;align-items:center;gap:.5rem}
.radios input{width:1.4rem;height:1.4rem;margin:0}
.radios label{margin:0}
button{font:inherit;font-weight:700;border:0;padding:.55rem 1.1rem;cursor:pointer;box-shadow:0 2px 0 #002d18;background:#00703c;color:#fff;margin:0 1rem 1rem 0}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
button.link{background:none;color:#1d70b8;box-shadow:none;text-decoration:underline;padding:0;font-weight:400}
button:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 2px 0 #0b0c0c;background:#fd0;color:#0b0c0c}
.error-summary{border:5px solid #d4351c;padding:1rem;margin-bottom:1.5rem}
.error-summary:focus{outline:3px solid #fd0}
.error-summary h2{margin-top:0}
.error-summary ul{margin:0;padding-left:1.2rem}
.error-summary a{color:#d4351c;font-weight:700}
.panel{background:#00703c;color:#fff;padding:1.5rem;text-align:center;margin-bottom:1.5rem}
.panel h1{margin:0 0 .75rem}
.reference{font-size:1.6rem;font-weight:700;word-break:break-all}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
`;

/** The page frame every form page shares: language, viewport, skip link, one <main>. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – callwatch</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header><a class="brand" href="/report">callwatch · Report nuisance calls</a></header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>
`.text;
}
