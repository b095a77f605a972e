import { render, screen } from "@testing-library/react";
import { createRef } from "react";
import { describe, expect, it } from "vitest";
import { Panel } from "./Panel";

describe("Panel", () => {
  it("is a region named by its heading, which takes the focus, with the hint and the tools in its header", () => {
    const heading = createRef<HTMLHeadingElement>();
    render(
      <Panel title="Data sources" hint="Files and databases" headingRef={heading} testId="panel" tools={<button type="button">Back</button>}>
        <p>Body</p>
      </Panel>,
    );
    const region = screen.getByRole("region", { name: "Data sources" });
    expect(region).toHaveAttribute("data-testid", "panel");
    expect(screen.getByRole("heading", { level: 2, name: "Data sources" })).toHaveFocus();
    expect(heading.current).toBe(screen.getByRole("heading", { level: 2 }));
    const header = screen.getByRole("heading", { level: 2 }).closest("header");
    expect(header).toHaveTextContent("Files and databases");
    expect(header).toContainElement(screen.getByRole("button", { name: "Back" }));
    expect(region).toHaveTextContent("Body");
  });
});
