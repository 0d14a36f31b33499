// Development entry point: `npx tsx models/ocr/dev-cli.ts <files...> [options]` runs `paliscope ocr`
// from source without building (the packaged CLI is out/main/cli.js).
import { run } from './cli';

process.exitCode = await run(process.argv.slice(2));
