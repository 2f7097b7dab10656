export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  homepage?: string;
  text: string;
}
export interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}
export function bundledPackages(metafile: Metafile, root?: string): BundledPackage[];
export function noticesText(packages: BundledPackage[], self: string): string;
export function writeNotices(metafile: Metafile, file: string, self: string): BundledPackage[];
