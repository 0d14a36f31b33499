// Where the headless host and the CLI keep settings and the recent list when Electron's
// app.getPath('userData') is not available. PALISCOPE_USER_DATA overrides it (tests use a temp dir).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.PALISCOPE_USER_DATA) return env.PALISCOPE_USER_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Paliscope');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Paliscope');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Paliscope');
}
