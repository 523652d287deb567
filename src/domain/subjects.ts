import { z } from 'zod';

const MAX_SUBJECT_LENGTH = 1024;

/**
 * Why a subject is not a valid NATS subject filter, or undefined when it is. Tokens are split
 * on dots and may not be empty; `*` and `>` stand only as whole tokens, `>` only last.
 */
export function subjectProblem(subject: string): string | undefined {
  if (subject.length === 0) return 'must not be empty';
  if (subject.length > MAX_SUBJECT_LENGTH)
    return `must be at most ${MAX_SUBJECT_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f]/u.test(subject))
    return 'must not contain spaces or control characters';
  const tokens = subject.split('.');
  for (const [index, token] of tokens.entries()) {
    if (token.length === 0)
      return 'must not have an empty token (".." or a leading or trailing dot)';
    if (token === '>' && index !== tokens.length - 1) return 'may use ">" only as the last token';
    if (token !== '*' && token !== '>' && /[*>]/u.test(token)) {
      return 'may use "*" and ">" only as whole tokens';
    }
  }
  return undefined;
}

export const subjectSchema = z.string({ error: 'must be a string' }).superRefine((value, ctx) => {
  const problem = subjectProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 80)}" ${problem}` });
});

export const subjectListSchema = z
  .array(subjectSchema)
  .max(1000, { error: 'has too many subjects' });

export const permissionSchema = z
  .object({ allow: subjectListSchema.default([]), deny: subjectListSchema.default([]) })
  .strict();

export const permissionsSchema = z
  .object({
    pub: permissionSchema.default({ allow: [], deny: [] }),
    sub: permissionSchema.default({ allow: [], deny: [] }),
    /** Allow publishing to reply subjects of received requests: this many, within this time. */
    responses: z
      .object({
        max: z.number().int().min(1, { error: 'must be at least 1' }).max(1_000_000),
        ttlSeconds: z
          .number()
          .int()
          .min(0, { error: 'must be 0 or more' })
          .max(86_400 * 365),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type Permissions = z.infer<typeof permissionsSchema>;

export const NO_PERMISSION_RULES: Permissions = {
  pub: { allow: [], deny: [] },
  sub: { allow: [], deny: [] },
  responses: null,
};
