/** `--name value` (or `--name=value`) options after a command. Unknown options and an option without its value are errors. */
export class UsageError extends Error {}

export function parseOptions(args: readonly string[], known: readonly string[]): { options: Map<string, string>; positional: string[] } {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!known.includes(name)) throw new UsageError(`unknown option --${name}; known: ${known.map((k) => `--${k}`).join(', ')}`);
      const value = eq > 0 ? a.slice(eq + 1) : args[i + 1] !== undefined && !(args[i + 1].startsWith('--') && args[i + 1].length > 2) ? args[++i] : undefined;
      // Every option takes a value: a bare --history used to be read as a file named "true".
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else positional.push(a);
  }
  return { options, positional };
}
