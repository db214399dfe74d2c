import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

// The foundation SDK marks its classic dashboard builder deprecated in favour of the v2 schema
// (dashboardv2). Grafana's file provisioning loads classic dashboard JSON in every version, while v2
// dashboards need Grafana 12 with its v2 feature enabled, so the dashboards stay on the classic
// schema; this is the one place that says so.
/* eslint-disable @typescript-eslint/no-deprecated */
export const ClassicDashboardBuilder = DashboardBuilder;
export type ClassicDashboardBuilder = DashboardBuilder;
/* eslint-enable @typescript-eslint/no-deprecated */
