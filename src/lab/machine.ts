/**
 * The machine the lab is built on, as a Host: its real "/" (the lab's state directory, the
 * nodes' directories, /run/netns), its /proc and its programs. The lab reaches files and
 * processes only through it.
 */
import { LocalHost } from '../host/local.js';

export const labMachine = new LocalHost('/');
