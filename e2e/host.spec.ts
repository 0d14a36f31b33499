// The host's guarantees, seen from outside: the token is required, the contract refuses malformed
// payloads, and a killed engine host comes back.
import { test, expect } from './support/app';
import { StatusBar } from './pages/status-bar';

test.describe('headless host security', () => {
  test('a request without the token gets 401', async ({ app, request }) => {
    test.skip(app.kind !== 'headless', 'the token guards the headless host only');
    const origin = app.headless!.origin;
    expect((await request.get(`${origin}/`)).status()).toBe(401);
    expect((await request.get(`${origin}/?token=wrong-token`)).status()).toBe(401);
    expect((await request.post(`${origin}/api/app.info`, { data: {} })).status()).toBe(401);
    const ok = await request.post(`${origin}/api/app.info`, { data: {}, headers: { authorization: `Bearer ${app.headless!.token}` } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, value: { name: 'Paliscope', host: 'headless' } });
  });

  test('the contract rejects a malformed payload and the app keeps working', async ({ app, appPage }) => {
    test.skip(app.kind !== 'headless', 'drives the HTTP transport directly');
    const results = await appPage.evaluate(async () => {
      type Reply = { ok: boolean; error?: { code: string; message: string } };
      const post = async (name: string, body: string): Promise<Reply> =>
        (await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json() as Promise<Reply>;
      return {
        wrongType: await post('documents.close', JSON.stringify({ documentId: 42 })),
        extraKey: await post('documents.list', JSON.stringify({ path: '/etc/passwd' })),
        badId: await post('documents.close', JSON.stringify({ documentId: '../../etc' })),
        unknown: await post('fs.readFile', '{}'),
        after: await post('app.info', '{}'),
      };
    });
    expect(results.wrongType).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.wrongType.error?.message).toContain('documentId');
    expect(results.extraKey).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.badId).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(results.unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(results.after).toMatchObject({ ok: true });
  });
});

test('the engine host restarts after being killed, and the UI is told', async ({ appPage }) => {
  const status = new StatusBar(appPage);
  await status.waitForEngine('ready');
  const pid = await status.enginePid();
  const restartsBefore = await status.engineRestarts();
  process.kill(pid, 'SIGKILL');
  await status.waitForEngineRestarts(restartsBefore + 1);
  await status.waitForEngine('ready');
  expect(await status.enginePid()).not.toBe(pid);
});
