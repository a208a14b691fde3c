import { stripVTControlCharacters } from "node:util";

/** Visible width: colour codes take no room on screen. */
export function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}

/**
 * Wraps at spaces to `width` visible columns; a word longer than a line (a path, a command) is cut
 * hard. Leading indentation is kept on continuation lines so nested output stays readable, and a
 * bullet item ("• …") continues under its text, not under its bullet.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    const lead = /^\s*/.exec(raw)?.[0] ?? "";
    const hang = raw.startsWith("• ", lead.length) ? "  " : "";
    let indent = lead;
    const push = (content: string) => {
      lines.push(indent + content);
      indent = lead + hang;
    };
    const room = () => Math.max(10, width - indent.length);
    let line = "";
    for (const word of raw.slice(lead.length).split(" ")) {
      let rest = word;
      while (visibleLength(rest) > room()) {
        if (line) {
          push(line);
          line = "";
        }
        const cut = room();
        push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      const candidate = line ? `${line} ${rest}` : rest;
      if (visibleLength(candidate) > room()) {
        push(line);
        line = rest;
      } else {
        line = candidate;
      }
    }
    push(line);
  }
  return lines;
}

/** A rounded box with an optional title in its top border, padded to `width` columns. */
export function box(title: string | null, body: string[], width: number): string {
  const inner = width - 4;
  const heading = title ? `─ ${title} ` : "";
  const topFill = Math.max(0, width - 2 - visibleLength(heading));
  const top = `╭${heading}${"─".repeat(topFill)}╮`;
  const rows = body
    .flatMap((line) => wrap(line, inner))
    .map((line) => `│ ${line}${" ".repeat(Math.max(0, inner - visibleLength(line)))} │`);
  return [top, ...rows, `╰${"─".repeat(width - 2)}╯`].join("\n");
}
