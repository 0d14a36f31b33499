// The Electron main process: one locked-down window, the app protocol, IPC bound from the
// contract, and the engine host in a utilityProcess. Everything else lives in services shared with
// the headless host.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices, type Services } from './compose';
import { bindIpc, type IpcEventLike } from './ipc/electron-ipc';
import { toAppError } from './ipc/dispatcher';
import { parsePageImagePath } from '../preload/contract/page-image';
import { CONTENT_SECURITY_POLICY } from './security';
import { openDocument } from '../models/documents';
import { APP_VERSION } from './version';
import { APP_ENTRY, APP_HOST, APP_SCHEME, isAppUrl, isTrustedFrame } from './app-url';
import type { EngineProcess } from './engine/client';
import type { ProbeProcess } from './services/project-guard';
import type { ProbeReply } from './services/project-probe';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const DOCUMENT_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'bmp', 'gif', 'tif', 'tiff', 'pdf', 'dcm', 'dicom'];
const PROJECT_FILTERS = [{ name: 'Paliscope projects', extensions: ['paliscope'] }];
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.wasm': 'application/wasm' };

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

function spawnUtilityEngine(): EngineProcess {
  // Packaged builds carry the built-in OCR models as extraResources (electron-builder.yml).
  const env = app.isPackaged ? { ...process.env, PALISCOPE_OCR_MODELS: join(process.resourcesPath, 'ocr') } : process.env;
  const child = utilityProcess.fork(join(here, 'engine-host.js'), [], { serviceName: 'Paliscope engine', stdio: 'inherit', env });
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (m) => child.postMessage(m),
    onMessage: (l) => void child.on('message', (m: unknown) => l(m)),
    onExit: (l) => void child.on('exit', (code) => l(code)),
    kill: () => void child.kill(),
  };
}

const isTrustedSender = (event: IpcEventLike): boolean => isTrustedFrame(event.senderFrame);

async function serveApp(request: Request, services: Services): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
  const page = parsePageImagePath(url.pathname, url.search);
  if (page) {
    try {
      const preview = await services.documents.preview(page.documentId, page.index, page.maxSide, page.window);
      return new Response(Buffer.from(preview.bytes), { headers: { 'content-type': preview.mime } });
    } catch (err) {
      return new Response(toAppError(err).message, { status: 404 });
    }
  }
  const rel = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
  const file = join(rendererDir, rel);
  if (!file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Paliscope',
    show: false,
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}

function lockDown(): void {
  // Everything is refused except writing text to the clipboard (the Copy buttons).
  const allowed = (permission: string): boolean => permission === 'clipboard-sanitized-write';
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowed(permission));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links in results (e.g. a model card) open in the system browser, never in the app.
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** The project-file check in a utilityProcess: the packaged app's Node fuse is off, so no child_process.fork. */
function spawnUtilityProbe(): ProbeProcess {
  const child = utilityProcess.fork(join(here, 'project-probe.js'), [], { serviceName: 'Paliscope project check', stdio: 'ignore' });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => void child.on('message', (m: unknown) => l(m as ProbeReply)),
    onExit: (l) => void child.on('exit', (code) => l(code)),
    kill: () => void child.kill(),
  };
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) return app.quit();
  await app.whenReady();
  lockDown();
  let mainWindow: BrowserWindow | null = null;
  const services = composeServices({
    userDataDir: app.getPath('userData'),
    spawnEngine: spawnUtilityEngine,
    spawnProbe: spawnUtilityProbe,
    openDocument,
    platform: {
      host: 'electron',
      version: APP_VERSION,
      showOpenDialog: async () => {
        const options = { properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>, filters: [{ name: 'Scans and documents', extensions: DOCUMENT_EXTENSIONS }, { name: 'DICOM without extension, DICOMDIR', extensions: ['*'] }] };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return result.canceled ? [] : result.filePaths;
      },
      showFolderDialog: async (title) => {
        const options = { title, properties: ['openDirectory'] as Array<'openDirectory'> };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      // Project files: the dialogs only return a path; ProjectService checks, opens or creates it.
      showProjectOpenDialog: async () => {
        const options = { title: 'Open a Paliscope project', properties: ['openFile'] as Array<'openFile'>, filters: PROJECT_FILTERS };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      showProjectSaveDialog: async () => {
        const options = { title: 'New Paliscope project', buttonLabel: 'Create', defaultPath: 'study.paliscope', filters: PROJECT_FILTERS };
        const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
    },
    log: console,
    // The hub access token is kept encrypted with the OS keychain (Keychain, DPAPI, libsecret).
    secretCipher: safeStorage,
  });
  protocol.handle(APP_SCHEME, (request) => serveApp(request, services));
  bindIpc(ipcMain, services.dispatcher, isTrustedSender);
  if (process.platform !== 'darwin') Menu.setApplicationMenu(null);
  mainWindow = createWindow();
  app.on('second-instance', () => mainWindow?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void services.shutdown());
}

void start();
