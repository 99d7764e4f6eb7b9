/** RFC 7662 response. Inactive answers are exactly `{active: false}`. */
export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

export const INACTIVE: IntrospectionResponse = Object.freeze({ active: false }) as IntrospectionResponse;
