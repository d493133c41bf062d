// The accounts behind the OU targets of a SERVICE_MANAGED stack set, read from AWS Organizations.
// A StackSet operation on an OU reaches every account in it and in its child OUs
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html),
// so every one is read, recursively, every page. Suspended accounts are reported: StackSets
// cannot deploy there, and an instance left OUTDATED there would be "repaired" on every run.
//
// ListAccountsForParent / ListOrganizationalUnitsForParent answer the management account or a
// member account that is a delegated administrator for an AWS service
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html),
// which the StackSets delegated administrator is.
import { paginateListAccountsForParent, paginateListOrganizationalUnitsForParent, type Account } from '@aws-sdk/client-organizations';
import type { AwsClients } from '../aws.js';

export interface OuMembers {
  /** Every account in the OU and its child OUs. */
  readonly accounts: readonly string[];
  /** Of those, the accounts Organizations does not report ACTIVE (suspended, or closing). */
  readonly suspended: readonly string[];
}

const inactive = (a: Account): boolean => {
  const state = (a as Account & { State?: string }).State ?? a.Status;
  return state !== undefined && state !== 'ACTIVE';
};

/** The accounts of one OU, child OUs included. */
async function ouMembers(clients: AwsClients, ou: string): Promise<OuMembers> {
  const organizations = clients.organizations();
  const accounts: string[] = [];
  const suspended: string[] = [];
  const parents = [ou];
  while (parents.length > 0) {
    const parent = parents.shift()!;
    for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: parent })) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id) continue;
        accounts.push(account.Id);
        if (inactive(account)) suspended.push(account.Id);
      }
    }
    for await (const page of paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: parent })) {
      for (const child of page.OrganizationalUnits ?? []) if (child.Id) parents.push(child.Id);
    }
  }
  return { accounts: [...new Set(accounts)].sort(), suspended: [...new Set(suspended)].sort() };
}

/** Members of every OU target (read once each). */
export async function organizationTargets(clients: AwsClients, ous: readonly string[]): Promise<Map<string, OuMembers>> {
  const out = new Map<string, OuMembers>();
  for (const ou of ous) out.set(ou, await ouMembers(clients, ou));
  return out;
}
