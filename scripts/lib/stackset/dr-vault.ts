// The DR backup vault of a StackSet fleet. The platform's backup layer copies every recovery point
// daily to the vault payment-backup-dr-<env> in the DR region each target account names in SSM
// (DrRegionParameter, /payment/backup/dr-region); the root stack cannot create it (another
// region), and a copy job to a vault that does not exist fails
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html). make deploy
// deploys generated/standalone/dr-backup-vault.yaml as a stack of its own in the DR region
// (scripts/lib/deploy/dr-vault.ts); for a fleet, make stackset manages a companion stack set of
// that template, <stackSetName>-dr-vault, from the same manifest and run:
//  - its instances are every target × every region of the manifest, plus the manifest's
//    drRegions: whichever of these regions an account's SSM parameter names holds a vault;
//  - its parameters are the platform's of the same name (Environment, EnableVaultLock), its
//    permissions, operation preferences, canary, tags and managed execution the manifest's
//    (SERVICE_MANAGED: no nested stacks, so StackSets' default execution role serves it);
//  - it goes first, so the vaults exist before the first copy job;
//  - the preflight checks, in every target account and region, that the DR region its SSM
//    parameter names is one of the vault stack set's regions, and not the instance's own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../templates-src/core/yaml.js';
import type { ParameterConstraints } from '../../../templates-src/core/parameters.js';
import { DR_REGION_SSM_PARAMETER, DR_VAULT_TEMPLATE, NO_DR } from '../deploy/dr-vault.js';
import { GENERATED, ROOT } from '../paths.js';
import { desiredInstances, regionOrder, sortedRecord, type Manifest, type ManifestTarget, type ParameterValues, type StackSetSpec } from './manifest.js';

export const DR_VAULT_FILE = `generated/standalone/${DR_VAULT_TEMPLATE}`;
export const DR_VAULT_SUFFIX = '-dr-vault';

/** The companion stack set's name. */
export const drVaultStackSetName = (stackSetName: string): string => `${stackSetName}${DR_VAULT_SUFFIX}`;

/** Regions of the vault stack set: the manifest's, then its drRegions. */
export function drVaultRegions(manifest: Pick<Manifest, 'regions' | 'drRegions'>): string[] {
  return [...new Set([...manifest.regions, ...(manifest.drRegions ?? [])])];
}

/** Does this stack set copy backups to a DR vault the run must provide? The platform root, with the vault template built. */
export const hasDrVault = (spec: Pick<StackSetSpec, 'hasNestedStacks' | 'templateParameters'>): boolean =>
  spec.hasNestedStacks && DR_REGION_SSM_PARAMETER in spec.templateParameters && existsSync(join(ROOT, DR_VAULT_FILE));

const only = (values: ParameterValues | undefined, names: ReadonlySet<string>): ParameterValues | undefined => {
  const kept = Object.entries(values ?? {}).filter(([name]) => names.has(name));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
};

/** The vault stack set of a platform manifest, as a spec of its own (the same rollout machinery runs it); undefined without one. */
export function drVaultSpec(spec: StackSetSpec): StackSetSpec | undefined {
  if (!hasDrVault(spec)) return undefined;
  const text = readFileSync(join(GENERATED, 'standalone', DR_VAULT_TEMPLATE), 'utf8');
  const templateParameters = (parseTemplate(text, DR_VAULT_FILE).Parameters ?? {}) as Record<string, ParameterConstraints>;
  const names = new Set(Object.keys(templateParameters));
  const parameters: Record<string, string> = {};
  for (const [name, p] of Object.entries(templateParameters)) {
    const value = spec.parameters[name] ?? (p.Default === undefined ? undefined : String(p.Default));
    if (value !== undefined) parameters[name] = value;
  }
  const { manifest } = spec;
  const permissions = manifest.permissions.model === 'SERVICE_MANAGED' ? { ...manifest.permissions, executionRoleName: undefined, outputBucket: undefined } : manifest.permissions;
  const targets: ManifestTarget[] = manifest.targets.map((t) => ({
    ...t,
    parameters: only(t.parameters, names),
    regionParameters: t.regionParameters
      ? Object.fromEntries(
          Object.entries(t.regionParameters)
            .map(([r, v]) => [r, only(v, names)])
            .filter(([, v]) => v),
        )
      : undefined,
  }));
  const vault: Manifest = {
    ...manifest,
    stackSetName: drVaultStackSetName(manifest.stackSetName),
    description: `${manifest.description ?? manifest.stackSetName} - DR backup vault (the daily copies of ${manifest.stackSetName})`,
    template: DR_VAULT_FILE,
    permissions,
    targets,
    regions: drVaultRegions(manifest),
    drRegions: undefined,
    parameters: only(manifest.parameters, names),
    regionParameters: manifest.regionParameters
      ? Object.fromEntries(
          Object.entries(manifest.regionParameters)
            .map(([r, v]) => [r, only(v, names)])
            .filter(([, v]) => v),
        )
      : undefined,
  };
  return {
    file: spec.file,
    manifest: vault,
    template: DR_VAULT_FILE,
    templateText: text,
    hasNestedStacks: false,
    templateParameters,
    ssmParameters: [],
    parameters: sortedRecord(parameters),
    instances: desiredInstances(vault),
    regionOrder: regionOrder(vault),
    notes: [],
  };
}

/**
 * Why a DR region value does not work for an instance, or undefined: it must be a region of the
 * vault stack set (else the copy job has no vault), and not the instance's own (no copy leaves it).
 */
export function drRegionProblem(value: string, instanceRegion: string, manifest: Pick<Manifest, 'regions' | 'drRegions' | 'stackSetName'>): string | undefined {
  if (value === NO_DR) return undefined;
  const regions = drVaultRegions(manifest);
  if (value === instanceRegion) return `the DR region is the instance's own region ${value}: the copy would not leave it; allowed: another of ${regions.join(', ')}`;
  if (!regions.includes(value)) {
    return `the DR vault stack set ${drVaultStackSetName(manifest.stackSetName)} has no instance in ${value} (its regions: ${regions.join(', ')}), so every daily copy job would fail; allowed: one of its regions, none, or ${value} added to drRegions`;
  }
  return undefined;
}
