/** The one table of exit codes; the README documents exactly these. */
export const EXIT = {
  ok: 0,
  warnings: 1,
  failure: 2,
  /** doctor: a check could not finish (it crashed or ran out of time) and none failed. */
  checkError: 3,
  usage: 64,
  noPermission: 77,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
