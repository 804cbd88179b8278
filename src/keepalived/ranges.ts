/**
 * keepalived's value ranges, defined once. The validator, the wizard's questions and
 * doctor all read them from here.
 */
export const VRID_RANGE = { min: 1, max: 255 } as const;
/** 255 is reserved for the address owner; keepalived then drops weighted track scripts. */
export const PRIORITY_RANGE = { min: 1, max: 254 } as const;
export const PRIORITY_OWNER = 255;
/** VRRPv2 carries whole seconds; keepalived's parser accepts 0.01-255 (v3: centiseconds). */
export const ADVERT_INT_RANGE = { min: 0.01, max: 255 } as const;
/** keepalived keeps only the first 8 characters of auth_pass. */
export const AUTH_PASS_MAX = 8;
export const AUTH_TYPES = ['PASS', 'AH'] as const;
