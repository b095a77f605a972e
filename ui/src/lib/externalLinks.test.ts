import { afterEach, describe, expect, it, vi } from "vitest";
import { installExternalLinks, openableLink } from "./externalLinks";
import { reportError } from "./errors";

vi.mock("./errors", () => ({ reportError: vi.fn() }));

let remove: (() => void) | null = null;
afterEach(() => {
  remove?.();
  document.body.innerHTML = "";
});

function click(el: Element): MouseEvent {
  const e = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
  el.dispatchEvent(e);
  return e;
}

describe("external links", () => {
  it("hands web and mail links to Rust instead of the webview, and leaves the rest alone", () => {
    const open = vi.fn(() => Promise.resolve(null));
    remove = installExternalLinks(document, open);
    document.body.innerHTML = `
      <a id="web" href="https://example.org/a" target="_blank"><span id="inner">Docs</span></a>
      <a id="mail" href="mailto:ann@example.org">Mail</a>
      <a id="script" href="javascript:alert(1)">Bad</a>
      <a id="inside" href="#section">Here</a>`;
    const inner = click(document.getElementById("inner")!);
    expect(inner.defaultPrevented).toBe(true);
    expect(click(document.getElementById("mail")!).defaultPrevented).toBe(true);
    expect(open.mock.calls).toEqual([["https://example.org/a"], ["mailto:ann@example.org"]]);
    expect(click(document.getElementById("script")!).defaultPrevented).toBe(false);
    expect(click(document.getElementById("inside")!).defaultPrevented).toBe(false);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it("says in the toasts when the system could not open it", async () => {
    const open = vi.fn(() => Promise.reject({ kind: "io", message: "this computer has no program to open links with" }));
    remove = installExternalLinks(document, open);
    document.body.innerHTML = `<a id="web" href="https://example.org">Docs</a>`;
    click(document.getElementById("web")!);
    await vi.waitFor(() => expect(reportError).toHaveBeenCalledWith({ kind: "io", message: "this computer has no program to open links with" }, "save"));
  });
});

describe("openableLink: the core's links::check rule, on the UI side", () => {
  it("accepts web links with a host and mail links with an address", () => {
    for (const ok of ["https://example.org/a?b=c#d", "HTTP://example.org", "mailto:ann@example.org", "mailto:ann@example.org?subject=Hi"]) {
      expect(openableLink(ok)).toBe(ok);
    }
    expect(openableLink("  https://example.org  ")).toBe("https://example.org");
  });

  it("refuses what the core refuses", () => {
    const bad = ["", "javascript:alert(1)", "file:///etc/passwd", "smb://server/share", "https://", "https:///x", "mailto:", "mailto:nobody",
      "https://exa mple.org", "https://example.org/\u0000", "https://example.org/\u202e", "example.org", `https://example.org/${"a".repeat(2048)}`];
    for (const link of bad) expect(openableLink(link)).toBeNull();
    expect(openableLink(null)).toBeNull();
  });
});
