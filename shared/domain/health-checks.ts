/**
 * What Route 53's checkers see of a health check's endpoint now (GetHealthCheckStatus): how many reported, how many
 * of them reached it, and a failing report's words ("Failure: Connection timed out. ..."). The checkers' own view:
 * `Inverted` does not change it.
 */
export interface HealthCheckStatus {
  checkers: number;
  healthyCheckers: number;
  failure?: string;
}

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy (Route 53 Developer
 * Guide, "How Route 53 determines whether a health check is healthy"; aws-facts.md). Readiness and the verify steps
 * judge with it.
 */
export const HEALTHY_CHECKER_SHARE = 0.18;
