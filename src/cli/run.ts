/** The CLI's entry point: runs `junction <command>` with this process's arguments. */
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
