/**
 * Maps zod issues to readable {@link ValidationError}s that name the element.
 */
import type { z } from 'zod';
import type { ValidationError } from './rules/types.js';

/** Formats a zod path as `nodes[3].form.fields[0].type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return issue.message;
}

/**
 * Converts zod issues into validation errors.
 * @param prefix path of the parsed value inside the definition (e.g. `nodes[3]`)
 * @param label element label for messages (e.g. `userTask 'verify'`), if any
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
  elementId?: string,
  label?: string,
): ValidationError[] {
  return issues.map((issue) => {
    const inner = formatPath(issue.path);
    const message = `${label ? `${label}: ` : ''}${inner ? `${inner}: ` : ''}${describeIssue(issue)}`;
    const error: ValidationError = { path: formatPath([...prefix, ...issue.path]), message };
    if (elementId !== undefined) error.elementId = elementId;
    return error;
  });
}
