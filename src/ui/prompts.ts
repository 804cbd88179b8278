/**
 * The four prompts ha-setup asks with, each from its own package: the umbrella package
 * would also bring its editor prompt, and with it an encoding library of about half a
 * megabyte that nothing here uses.
 */
export { default as confirm } from '@inquirer/confirm';
export { default as input } from '@inquirer/input';
export { default as password } from '@inquirer/password';
export { default as select } from '@inquirer/select';
