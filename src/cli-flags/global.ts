/** The global flags, as every command and the features it calls see them. */
export interface GlobalOptions {
  root: string;
  dryRun: boolean;
  json: boolean;
  yes: boolean;
  quiet: boolean;
  verbose: boolean;
  lang?: string;
}
