// The target accounts' side of the contract, on the emulator only. The platform resolves what a
// region or account binds (the NLB and API certificates, the S3 prefix list, the DR region) from
// AWS::SSM::Parameter::Value<…> parameters that each target account fills; a real account has
// them, the emulator's accounts do not. For TARGET=local, make stackset gives every target account
// and region the SSM parameters its instance resolves, with the emulator's values
// (scripts/lib/emulator-ssm.ts, as make deploy does); the DR region is another region of the DR
// vault stack set (dr-vault.ts), so the copies go to a vault the run created, or none when the
// vault stack set has no other region.
// make stackset-plan only looks. What is set is said in one line, only when something was set.
// A real account (TARGET=aws) is never touched by this.
import { NO_DR } from '../deploy/dr-vault.js';
import { fillSsmParameters } from '../emulator-ssm.js';
import { mapLimited } from './api.js';
import type { StackSetClients } from './clients.js';
import { drVaultRegions, hasDrVault } from './dr-vault.js';
import type { StackSetSpec } from './manifest.js';

interface EmulatorContext {
  readonly clients: StackSetClients;
  readonly target: { readonly kind: string };
  readonly log: (line: string) => void;
}

/** The emulator's DR region for an instance in `region`: the first other region of the DR vault stack set, else none. */
function emulatorDrRegion(spec: StackSetSpec, region: string): string {
  return (hasDrVault(spec) && drVaultRegions(spec.manifest).find((r) => r !== region)) || NO_DR;
}

/** Sets, in every target account and region, the SSM parameters its instance resolves; `apply` false (plan) only counts. */
export async function prepareEmulatorTargets(spec: StackSetSpec, ctx: EmulatorContext, apply: boolean): Promise<void> {
  const permissions = spec.manifest.permissions;
  if (ctx.target.kind !== 'local' || spec.ssmParameters.length === 0) return;
  if (permissions.model !== 'SELF_MANAGED') {
    ctx.log('emulator: SSM parameters of SERVICE_MANAGED targets are not set (organizational units are not accounts the emulator can enter)');
    return;
  }
  const filled = await mapLimited(spec.instances, 4, async (instance) => {
    const values = { ...spec.parameters, ...instance.overrides };
    const clients = ctx.clients.inAccount(instance.unit.id, instance.region, permissions.executionRoleName);
    const wanted = new Map(spec.ssmParameters.map((parameter) => [parameter, values[parameter]]));
    try {
      return await fillSsmParameters({ region: instance.region, ...clients }, wanted, { values, drRegion: emulatorDrRegion(spec, instance.region) }, apply);
    } catch (e) {
      throw new Error(`emulator: ${instance.unit.id} ${instance.region}: ${(e as Error).message}`, { cause: e });
    }
  });
  const count = filled.flat().length;
  const s = count === 1 ? '' : 's';
  if (count > 0 && apply)
    ctx.log(`emulator: ${count} SSM parameter${s} the instances resolve set in their target accounts, with emulator values (TARGET=local only; a real account fills its own)`);
  if (count > 0 && !apply)
    ctx.log(`emulator: ${count} SSM parameter${s} the instances resolve not set yet in their target accounts; make stackset sets emulator values (TARGET=local only)`);
}
