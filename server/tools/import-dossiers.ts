import { runImport } from './dossier-import';

/**
 * npm run import -- FILE.csv --hub http://localhost:3000 --key KEY [--skip-bad]
 * Imports a dossier CSV into the hub's register (see docs/import.md).
 */
const code = await runImport(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
