import type { ConfigIssue } from './types';

/** `file:line:column: path: message`, one issue per line. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatConfigIssue).join('\n');
}

export function formatConfigIssue(issue: ConfigIssue): string {
  let location = issue.file;
  if (issue.line !== undefined) {
    location += `:${issue.line}`;
    if (issue.column !== undefined) location += `:${issue.column}`;
  }
  return issue.path === '' ? `${location}: ${issue.message}` : `${location}: ${issue.path}: ${issue.message}`;
}

/**
 * A config that cannot be used. Carries every issue found, not just the first, so one run
 * of `junction check` shows everything to fix.
 */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(formatConfigIssues(issues));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
