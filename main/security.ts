// The one Content-Security-Policy, sent as a header by both hosts (Electron's app protocol and the
// headless HTTP server): no inline script, no remote origins, no WebAssembly and no workers (RDKit,
// Verovio and onnxruntime run in the engine host, never in the renderer); page images from the app's
// origin, molecule and score depictions as data: URLs. Downloads navigate to a blob: URL, which no
// fetch directive governs. The e2e suite fails on any violation (e2e/pages/app-events.ts).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
