// A place inside a template value, as segments (["Tags", 0, "Key"]), and how it is shown:
// Properties.Tags[0].Key — intrinsic function names are segments too (CidrBlock.Fn::Select[1]).

type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A key that reads unambiguously after a dot; anything else is shown as ["key"]. */
const PLAIN_KEY = /^[A-Za-z0-9_:@-]+$/;

/** `prefix` followed by the segments: "Properties.A[0].B", or "A[0].B" without a prefix. */
export function formatPath(path: Path, prefix = ''): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (!PLAIN_KEY.test(segment)) text += `[${JSON.stringify(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
