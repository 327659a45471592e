import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.ts";
import { PersistentMetadata, loadMetadataFile, mergeRunMetadata } from "./metadata.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "skyloop-md-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("PersistentMetadata", () => {
  it("starts empty when the file does not exist and creates it on the first change", () => {
    const file = join(dir, "sub", "md.json");
    const pm = new PersistentMetadata(file);
    expect(pm.md).toEqual({});
    pm.md.beamline = "BL7";
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ beamline: "BL7" });
  });

  it("counts scan_id up across instances sharing a file", () => {
    const file = join(dir, "md.json");
    const a = new PersistentMetadata(file);
    expect(a.nextScanId()).toBe(1);
    expect(a.nextScanId()).toBe(2);
    const b = new PersistentMetadata(file);
    expect(b.md.scan_id).toBe(2);
    expect(b.nextScanId()).toBe(3);
  });

  it("saves deletions", () => {
    const file = join(dir, "md.json");
    const pm = new PersistentMetadata(file);
    pm.md.owner = "ada";
    pm.md.sample = "Cu";
    delete pm.md.owner;
    expect(new PersistentMetadata(file).md).toEqual({ sample: "Cu" });
  });

  it("keeps metadata in memory without a file", () => {
    const pm = new PersistentMetadata();
    pm.md.x = 1;
    expect(pm.nextScanId()).toBe(1);
    expect(pm.snapshot()).toEqual({ x: 1, scan_id: 1 });
  });

  it("rejects a file that is not JSON, naming the file", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ scan_id: 3,");
    expect(() => new PersistentMetadata(file)).toThrow(ConfigError);
    expect(() => new PersistentMetadata(file)).toThrow(new RegExp(`^${file}: metadata file is not valid JSON`));
  });

  it("rejects a JSON file that is not an object", () => {
    const file = join(dir, "list.json");
    writeFileSync(file, "[1, 2]");
    expect(() => loadMetadataFile(file)).toThrow(ConfigError);
    expect(() => loadMetadataFile(file)).toThrow(`${file}: metadata file must hold a JSON object, found [1,2]`);
  });

  it("rejects a scan_id that is not a non-negative integer", () => {
    const file = join(dir, "bad-id.json");
    writeFileSync(file, JSON.stringify({ scan_id: "seven" }));
    expect(() => loadMetadataFile(file)).toThrow(ConfigError);
    expect(() => loadMetadataFile(file)).toThrow(`${file}: scan_id must be a non-negative integer, found "seven"`);
  });
});

describe("mergeRunMetadata", () => {
  it("gives per-call metadata precedence over the plan's, the computed and the persistent", () => {
    const md = mergeRunMetadata(
      { owner: "ada", sample: "Cu", plan_type: "x", scan_id: 4 },
      { plan_type: "generator" },
      { plan_name: "count", sample: "Fe" },
      { sample: "Ni" },
    );
    expect(md).toEqual({ owner: "ada", sample: "Ni", plan_type: "generator", plan_name: "count", scan_id: 4 });
  });
});
