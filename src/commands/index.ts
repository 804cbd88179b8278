import type { Command } from 'commander';

/**
 * Every command registers itself here. Registration only declares flags and help; the
 * work is imported lazily inside each action so that --help and --version stay fast.
 */
type Register = (program: Command) => void;

export const commandModules: Array<() => Promise<{ register: Register }>> = [
  () => import('./detect.js'),
  () => import('./install.js'),
  () => import('./lab.js'),
  () => import('./setup.js'),
  () => import('./inspect.js'),
  () => import('./doctor.js'),
  () => import('./failover-test.js'),
  () => import('./completion.js'),
];
