import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { ProgressCard, percentOf } from "./ProgressCard";
import * as fx from "../test/fixtures";

describe("progress rings", () => {
  it("expose their value in an accessible label", () => {
    render(<ProgressCard progress={fx.home().progress} />);
    const day = screen.getByTestId("ring-day");
    expect(day).toHaveAttribute("role", "img");
    expect(day).toHaveAttribute("aria-label", "Day: 40% of target");
    expect(day).toHaveAttribute("data-value", "40");
    expect(screen.getByRole("img", { name: "Week: 55% of target" })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Month: 70% of target" })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Year: 12% of target" })).toBeInTheDocument();
    expect(day).toHaveTextContent("40%");
  });

  it("scale to the target and never leave 0-100", () => {
    expect(percentOf({ scope: "day", value: fx.int(3), target_value: fx.int(4) })).toBe(75);
    expect(percentOf({ scope: "day", value: fx.int(5), target_value: fx.int(0) })).toBe(0);
    expect(percentOf({ scope: "day", value: fx.int(150), target_value: fx.int(100) })).toBe(100);
  });

  it("speak Japanese", async () => {
    await i18n.changeLanguage("ja");
    render(<ProgressCard progress={fx.home().progress} />);
    expect(screen.getByTestId("ring-day")).toHaveAttribute("aria-label", "日: 目標の 40%");
    expect(screen.getByRole("heading", { name: "進捗" })).toBeInTheDocument();
  });
});
