#!/usr/bin/env bash
# Debian's Chromium and its WebDriver, for the status page's browser test (it drives a real headless Chromium), and a
# font: without any, the page renders as boxes and the screenshot shows nothing a person could read.
exec bash "$(dirname "$0")/ensure-debian-packages.sh" "the status page's browser test" \
  chromium=chromium chromedriver=chromium-driver /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf=fonts-dejavu-core
