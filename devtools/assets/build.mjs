// Compiles console.scss and copies GOV.UK Frontend's JavaScript into app/console/static (committed, so
// nobody needs Node to run or test the app). Run with `make assets`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = join(here, "node_modules", "govuk-frontend", "dist", "govuk");
const target = join(here, "..", "..", "app", "console", "static");
const version = JSON.parse(readFileSync(join(here, "node_modules", "govuk-frontend", "package.json"))).version;

// Every image GOV.UK Frontend ships is the crown, the crest or a GOV.UK icon: the council may use none of
// them, so none is copied (the console has its own favicon.svg). Add a name here only if it is not a crown.
const IMAGES = [];

const { css } = sass.compile(join(here, "console.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  sourceMap: false,
});
if (css.includes("GDS Transport") || css.includes("@font-face")) {
  throw new Error("the compiled CSS still names GDS Transport: check $govuk-font-family in console.scss");
}
mkdirSync(join(target, "images"), { recursive: true });
writeFileSync(join(target, "govuk-frontend.min.css"), `/* GOV.UK Frontend ${version}, Arial */\n${css}\n`);
// Without its source map (not shipped), so browsers' developer tools ask for no missing file.
const js = readFileSync(join(frontend, "govuk-frontend.min.js"), "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
writeFileSync(join(target, "govuk-frontend.min.js"), js);
for (const image of IMAGES) {
  copyFileSync(join(frontend, "assets", "images", image), join(target, "images", image));
}
console.log(`GOV.UK Frontend ${version} compiled into ${target}`);
