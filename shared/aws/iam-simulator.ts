import { type IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { ContextEntry } from '../domain/step-permissions';
import { toSwitchbackError } from './aws-errors';
import { iamClient } from './sdk/iam';

/** IAM's answer for one action on one resource: allowed, or which kind of deny and where it came from. */
export interface SimulatedDecision {
  action: string;
  resource: string;
  /** `allowed`, `implicitDeny` (no statement allows it) or `explicitDeny` (a statement denies it). */
  decision: string;
  /** False when the organization's SCPs deny it (IAM reports it only when the account is in an organization). */
  allowedByOrganizations?: boolean;
  /** False when the role's permissions boundary does not allow it. */
  allowedByBoundary?: boolean;
}

/**
 * IAM's policy simulator (SimulatePrincipalPolicy) for a deployed role: which of `actions` on `resources` its
 * policies allow, with its permissions boundary and the organization's SCPs as IAM evaluates them. IAM's one
 * endpoint is in us-east-1 (shared/aws/clients.ts iamClient): readiness uses it, nothing waits on it.
 */
export class IamPolicySimulator {
  readonly #client: () => IAMClient;

  /** @param options.client - the IAM client; defaults to the shared one (us-east-1). */
  constructor(options: { client?: () => IAMClient } = {}) {
    this.#client = options.client ?? iamClient;
  }

  /** One decision per action and resource. Throws (a SwitchbackError for throttling or no answer) when IAM fails. */
  async simulate(
    roleArn: string,
    action: string,
    resources: readonly string[],
    context: readonly ContextEntry[] = [],
  ): Promise<SimulatedDecision[]> {
    try {
      const decisions: SimulatedDecision[] = [];
      let marker: string | undefined;
      do {
        const out = await this.#client().send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: [action],
            ResourceArns: [...resources],
            ...(context.length
              ? {
                  ContextEntries: context.map((entry) => ({
                    ContextKeyName: entry.key,
                    ContextKeyType: 'stringList' as const,
                    ContextKeyValues: entry.values,
                  })),
                }
              : {}),
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const result of out.EvaluationResults ?? []) {
          const perResource = result.ResourceSpecificResults?.length
            ? result.ResourceSpecificResults.map((specific) => ({
                resource: specific.EvalResourceName ?? '*',
                decision: specific.EvalResourceDecision ?? 'implicitDeny',
                boundary: specific.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
              }))
            : [
                {
                  resource: result.EvalResourceName ?? '*',
                  decision: result.EvalDecision ?? 'implicitDeny',
                  boundary: result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
                },
              ];
          for (const one of perResource) {
            const organizations = result.OrganizationsDecisionDetail?.AllowedByOrganizations;
            decisions.push({
              action: result.EvalActionName ?? action,
              resource: one.resource,
              decision: one.decision,
              ...(organizations === undefined ? {} : { allowedByOrganizations: organizations }),
              ...(one.boundary === undefined ? {} : { allowedByBoundary: one.boundary }),
            });
          }
        }
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return decisions;
    } catch (error) {
      throw toSwitchbackError('iam', 'SimulatePrincipalPolicy', error);
    }
  }
}
