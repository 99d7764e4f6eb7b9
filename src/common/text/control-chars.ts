/** Control characters (C0, DEL, C1) and NUL: refused in every new password and name. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F]/;
