// The emulator's StackSet operations in process (test/fixtures/stackset/engine_checks.py): what
// the API cannot show deterministically, because an operation on the emulator ends within
// milliseconds — ManagedExecution refused together with a template or parameter change and while
// an operation runs; the caller's OperationId; without managed execution a second operation is
// refused, with it it is queued;
// StopStackSetOperation cancels what has not started; waves, failure tolerance and region order.
// The checks hold the emulator's stack-operation lock to keep an operation running.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ensureEmulator } from '../scripts/lib/deploy/emulator.js';
import { ROOT } from '../scripts/lib/paths.js';

const CHECKS = [
  'managed_execution_is_not_changed_with_the_template_or_parameters',
  'managed_execution_is_not_changed_while_an_operation_runs',
  'the_callers_operation_id_is_the_operation_id',
  'without_managed_execution_a_second_operation_is_refused',
  'with_managed_execution_a_second_operation_is_queued',
  'stop_cancels_what_has_not_started',
  'waves_tolerance_and_region_order',
];

describe('StackSet operations of the emulator, in process', () => {
  const outcome = new Map<string, string>();
  let output = '';

  before(() => {
    ensureEmulator(); // writes .local/emulator/resource-info.json, which the patches read
    const run = spawnSync(
      join(ROOT, '.venv', 'bin', 'python'),
      [join(ROOT, 'test', 'fixtures', 'stackset', 'engine_checks.py'), join(ROOT, '.local', 'emulator', 'resource-info.json')],
      {
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      },
    );
    output = run.stdout + run.stderr;
    for (const line of run.stdout.split('\n')) {
      const match = /^(ok|not ok) (\w+)(?:: (.*))?$/.exec(line);
      if (match) outcome.set(match[2], match[1] === 'ok' ? 'ok' : (match[3] ?? 'failed'));
    }
  });

  for (const check of CHECKS) {
    test(check.replaceAll('_', ' '), () => {
      assert.equal(outcome.get(check), 'ok', outcome.get(check) ?? `not run:\n${output}`);
    });
  }
});
