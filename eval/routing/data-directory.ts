/** Where the routing evaluation data is: `--data`, else the JUNCTION_ROUTING_EVAL_DATA environment variable. */
export function dataDirectory(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? env.JUNCTION_ROUTING_EVAL_DATA;
}
