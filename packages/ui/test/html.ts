// Small helpers for reading server-rendered markup in tests without a DOM.
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";

/** The markup with React's text separators (<!-- -->) removed, so adjacent text reads as one. */
export function render(element: ReactNode): string {
  return renderToString(element).replaceAll("<!-- -->", "");
}

/** Every opening tag of the given element name, e.g. all `<th …>` tags. */
export function openingTags(html: string, tagName: string): string[] {
  return [...html.matchAll(new RegExp(`<${tagName}(?=[\\s>])[^>]*>`, "g"))].map((match) => match[0]);
}

/** The value of an attribute in one opening tag; undefined when the tag does not have it. */
export function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1] ?? "") : undefined;
}

/** The text of a markup fragment: tags dropped, entities decoded. */
export function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ""));
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The inner markup of every element with the given name (not for nested same-name elements). */
export function elements(html: string, tagName: string): string[] {
  return [...html.matchAll(new RegExp(`<${tagName}(?=[\\s>])[^>]*>([\\s\\S]*?)</${tagName}>`, "g"))].map(
    (match) => match[1] ?? "",
  );
}
