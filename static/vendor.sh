#!/usr/bin/env bash
# Rebuilds the vendored assets from the npm packages pinned in package-lock.json,
# then writes their sha256 sums to static/vendor.sha256 (which static's tests
# check). Run it after `npm ci --ignore-scripts`, or through `task assets`:
#
#   bash static/vendor.sh [node_modules directory, default ./node_modules]
#
# htmx and axe-core are copied byte for byte. The Designsystemet files are
# the package's bytes with a licence header: the theme whole, the components
# a subset of dist/src/*.css in the layers and order dist/src/index.css gives
# them (the whole index.css is over the B6 CSS budget). The file names carry
# the installed versions, so a version bump writes new names and removes the
# old ones; views/layout.templ and cmd/oppslag/browser_test.go name them.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=$(cd "${1:-node_modules}" && pwd)

# The Designsystemet subset, in index.css order: ds.base files share one
# @layer block, each ds.components file gets its own, as in index.css.
ds_base=(base heading label paragraph validation-message)
ds_components=(link data-size-workaround button input field fieldset alert skip-link details dialog
  list card divider tag error-summary spinner table badge)

version() {
  node -p "require(process.argv[1]).version" "$modules/$1/package.json"
}
join() {
  local IFS=,
  echo "$*" | sed 's/,/, /g'
}

ds=$(version @digdir/designsystemet-css)
htmx=$(version htmx.org)
axe=$(version axe-core)
ds_dist=$modules/@digdir/designsystemet-css/dist

# Stale versions go first, so a bump leaves only the new names behind.
rm -f static/css/designsystemet-[0-9]*.css static/css/designsystemet-theme-*.css \
  static/js/htmx-*.min.js cmd/oppslag/testdata/axe-*.min.js

{
  cat <<EOF
/*!
 * @digdir/designsystemet-css $ds (npm), MIT licence, Copyright Digitaliseringsdirektoratet (Digdir).
 * https://github.com/digdir/designsystemet/tree/main/packages/css
 * Subset of dist/src/index.css, kept in the package's own layers and order:
 * ds.base: $(join "${ds_base[@]}")
 * ds.components: $(join "${ds_components[@]}")
 * Rebuild: task assets (npm ci --ignore-scripts, then bash static/vendor.sh); see static/VENDOR.md.
 */
EOF
  printf '@layer ds.theme, ds.base, ds.components;@layer ds.base{'
  for name in "${ds_base[@]}"; do cat "$ds_dist/src/$name.css"; done
  printf '}'
  for name in "${ds_components[@]}"; do
    printf '@layer ds.components{'
    cat "$ds_dist/src/$name.css"
    printf '}'
  done
  echo
} >"static/css/designsystemet-$ds.css"

{
  cat <<EOF
/*!
 * @digdir/designsystemet-css $ds (npm) dist/theme/designsystemet.css: the default theme, light and dark.
 * MIT licence, Copyright Digitaliseringsdirektoratet (Digdir). https://github.com/digdir/designsystemet
 * Same tokens and values as the deprecated @digdir/designsystemet-theme 1.11.0 default theme.
 * Light by default; dark under [data-color-scheme=dark], or [data-color-scheme=auto] with prefers-color-scheme: dark.
 * --ds-font-family names Inter, which the package does not ship; app.css sets a system font stack instead.
 */
EOF
  cat "$ds_dist/theme/designsystemet.css"
  echo
} >"static/css/designsystemet-theme-$ds.css"

cp "$modules/htmx.org/dist/htmx.min.js" "static/js/htmx-$htmx.min.js"
cp "$modules/axe-core/axe.min.js" "cmd/oppslag/testdata/axe-$axe.min.js"

# Paths from the repository root, so `sha256sum -c static/vendor.sha256`
# works there too.
sha256sum "static/css/designsystemet-$ds.css" "static/css/designsystemet-theme-$ds.css" \
  "static/js/htmx-$htmx.min.js" "cmd/oppslag/testdata/axe-$axe.min.js" >static/vendor.sha256
cat static/vendor.sha256
