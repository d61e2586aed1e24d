import type { ClusterEndpoint } from './ports';

/** The region of Route 53's control plane (record edits, GetChange): aws-facts.md, Route 53 Developer Guide. */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

/**
 * The order in which to try an ARC cluster's endpoints during a failover: the standby region's first (the region
 * Switchback runs in and is failing over to), then the others as the plan lists them, and last the failed primary
 * region and us-east-1, the two regions a failover must not wait on. All are kept: any of the five can answer
 * (ARC Developer Guide, "Data and control planes for routing control").
 */
export const endpointOrder = (
  endpoints: readonly ClusterEndpoint[],
  regions: { primary: string; standby: string },
): ClusterEndpoint[] => {
  const rank = (endpoint: ClusterEndpoint): number => {
    if (endpoint.region === regions.standby) return 0;
    if (endpoint.region === regions.primary || endpoint.region === ROUTE53_CONTROL_PLANE_REGION) return 2;
    return 1;
  };
  // Array.prototype.sort is stable: equal ranks keep the plan's order.
  return [...endpoints].sort((a, b) => rank(a) - rank(b));
};
