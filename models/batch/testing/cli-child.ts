// Runs the CLI in a child process for the batch CLI test (which SIGKILLs it): `tsx cli-child.ts batch …`.
import { main } from '../../cli';

process.exitCode = await main(process.argv.slice(2));
