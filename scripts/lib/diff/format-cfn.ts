// cloudformation-diff's own rendering (the `cdk diff` look) captured as a string.
import { formatDifferences, type FormatStream, type TemplateDiff } from '@aws-cdk/cloudformation-diff';

const ANSI = /\x1b\[[0-9;]*m/g;
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

/** The semantic diff of one template: sections for parameters, resources (with property paths), outputs, IAM and security-group tables. */
export function formatTemplateDiff(diff: TemplateDiff, options: { color: boolean; columns?: number }): string {
  const chunks: string[] = [];
  const stream = {
    columns: options.columns,
    write: (chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    },
  } as unknown as FormatStream;
  formatDifferences(stream, diff);
  const text = chunks.join('').replace(/\n+$/, '\n');
  return options.color ? text : stripAnsi(text);
}
