// The lint rules that keep the house's boundaries actually fire (a rule with a typo in its
// pattern would pass every file silently).
import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: `${import.meta.dirname}/..` });
async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}
const restricted = (ids: string[]) => ids.filter((id) => /no-restricted-imports/.test(id));

describe('boundary lint rules', () => {
  it('models/ may not import electron or the app', async () => {
    expect(restricted(await ruleIds('models/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('models/probe.ts', "import { x } from '../main/compose';\nexport const a = x;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('models/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const a = readFile;\n"))).toHaveLength(0);
  });

  it('the renderer may not import node builtins, electron, main or contract runtime', async () => {
    const file = 'renderer/src/probe.ts';
    expect(restricted(await ruleIds(file, "import { readFile } from 'node:fs';\nexport const a = readFile;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import fs from 'fs';\nexport const a = fs;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { contract } from '../../preload/contract';\nexport const a = contract;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import type { Contract } from '../../preload/contract';\nexport type A = Contract;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds(file, "import { pageImagePath } from '../../preload/contract/page-image';\nexport const a = pageImagePath;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds(file, "import { TASKS } from '../../models/tasks/table';\nexport const a = TASKS;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds(file, "import { analyzeRun } from '../../models/runs/analyze';\nexport const a = analyzeRun;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { x } from '../../main/compose';\nexport const a = x;\n"))).toHaveLength(1);
  });

  it('the contract imports only zod', async () => {
    expect(restricted(await ruleIds('preload/contract/probe.ts', "import { z } from 'zod';\nexport const a = z;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds('preload/contract/probe.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('preload/contract/probe.ts', "import { x } from '../../main/compose';\nexport const a = x;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('preload/contract/probe.ts', "import { TASKS } from '../../models/tasks/table';\nexport const a = TASKS;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds('preload/contract/probe.ts', "import { analyzeRun } from '../../models/runs/analyze';\nexport const a = analyzeRun;\n"))).toHaveLength(1);
  });

  it('the engine host never imports main/services, the host, IPC or electron', async () => {
    const file = 'main/engine/host.ts';
    expect(restricted(await ruleIds(file, "import { x } from '../services/runs';\nexport const a = x;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { x } from '../ipc/dispatcher';\nexport const a = x;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { app } from 'electron';\nexport const a = app;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds(file, "import { exportParsed } from '../files/run-export';\nexport const a = exportParsed;\n"))).toHaveLength(0);
    expect(restricted(await ruleIds(file, "import { runPage } from '../../models/runs/pipeline';\nexport const a = runPage;\n"))).toHaveLength(0);
  });

  it('the task table imports nothing', async () => {
    expect(restricted(await ruleIds('models/tasks/table.ts', "import { z } from 'zod';\nexport const a = z;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('models/tasks/table.ts', "import { x } from './other';\nexport const a = x;\n"))).toHaveLength(1);
    expect(restricted(await ruleIds('models/tasks/table.ts', 'export const a = 1;\n'))).toHaveLength(0);
  });
});
