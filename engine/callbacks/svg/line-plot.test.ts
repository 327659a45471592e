import { describe, expect, it } from "vitest";
import { escapeXml, PALETTE, renderLinePlot } from "./line-plot.ts";

const x = [0, 1, 2, 3, 4];

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

function paths(svg: string): string[] {
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
}

describe("renderLinePlot", () => {
  const svg = renderLinePlot({
    title: "scan · scan 7",
    xLabel: "motor [mm]",
    yLabel: "det [counts]",
    series: [
      { name: "det", x, y: [0, 10, 40, 10, 0] },
      { name: "I0 & <ref>", x, y: [5, 5, 5, 5, 5] },
    ],
    width: 600,
    height: 400,
  });

  it("is a standalone SVG document of the requested size", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400">')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("labels the title, axes, ticks and legend, escaping markup", () => {
    const t = texts(svg);
    expect(t.slice(0, 1)).toEqual(["scan · scan 7"]);
    expect(t).toContain("motor [mm]");
    expect(t).toContain("det [counts]");
    expect(t).toEqual(expect.arrayContaining(["0", "1", "2", "3", "4"])); // integer x ticks
    expect(t).toEqual(expect.arrayContaining(["0", "10", "20", "30", "40"]));
    expect(t).toContain("det");
    expect(t).toContain("I0 &amp; &lt;ref&gt;");
    expect(svg).not.toContain("<ref>");
  });

  it("draws one line per series in palette colours, with markers for few points", () => {
    expect(paths(svg)).toHaveLength(2);
    expect(svg).toContain(`stroke="${PALETTE[0]}"`);
    expect(svg).toContain(`stroke="${PALETTE[1]}"`);
    expect(svg.match(/<circle /g)).toHaveLength(10 + 2); // points plus legend swatches
  });

  it("puts larger values higher on the page", () => {
    const [det] = paths(svg);
    const ys = [...det!.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(5);
    expect(ys[2]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[0]!);
    expect(ys[0]).toBeCloseTo(ys[4]!, 5);
  });

  it("breaks the line at missing points instead of bridging them", () => {
    const gap = renderLinePlot({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", x, y: [1, 2, Number.NaN, 4, 5] }] });
    const [d] = paths(gap);
    expect(d!.match(/M/g)).toHaveLength(2);
    expect(d!.match(/L/g)).toHaveLength(2);
    expect(gap).not.toMatch(/NaN/);
  });

  it("draws only lines for long series and only markers when asked", () => {
    const long = Array.from({ length: 200 }, (_, i) => i);
    const lines = renderLinePlot({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", x: long, y: long }] });
    expect(lines).not.toContain("<circle ");
    const markers = renderLinePlot({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", x, y: x, mode: "markers" }] });
    expect(paths(markers)).toEqual([]);
    expect(markers.match(/<circle /g)).toHaveLength(5 + 1);
  });

  it("says there is no data rather than failing on an empty plot", () => {
    const empty = renderLinePlot({ title: "t", xLabel: "x", yLabel: "y", series: [] });
    expect(texts(empty)).toContain("no data");
    expect(empty).not.toMatch(/NaN|Infinity/);
  });
});

describe("escapeXml", () => {
  it("escapes the five XML special characters", () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  });
});
