/**
 * Escapes text for HTML and SVG, in element content and in quoted attribute values alike. Probe
 * output, compiler messages and even case titles end up in the HTML report: none of it may become
 * markup (a probe printing `<script>` must show as text).
 */
export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
