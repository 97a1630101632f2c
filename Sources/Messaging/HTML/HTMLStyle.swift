/// The HTML page's style sheet: the same look as the PDF on screen, and US Letter pages with the letter's margins
/// and a "Page n of m" footer in print.
enum HTMLStyle {
    static func css(for letter: Letter) -> String {
        let pt = { (value: Double) in DecimalText.twoPlaces(value) + "pt" }
        let leading = DecimalText.twoPlaces(Typography.leading)
        let margins = letter.margins
        let columnWidth = letter.pageSize.width - margins.left - margins.right
        let numbering = letter.pageNumbering
        let t = Typography.self
        let heading = { (level: HeadingLevel) in
            "h\(level.rawValue) { font-size: \(pt(t.headingSize(level))); "
                + "margin-top: \(pt(t.headingSpaceBefore(level))); }"
        }
        let footer = "\(HTMLEscaping.cssString(numbering.page + " ")) counter(page) "
            + "\(HTMLEscaping.cssString(" " + numbering.of + " ")) counter(pages)"
        return """
            @page {
              size: \(pt(letter.pageSize.width)) \(pt(letter.pageSize.height));
              margin: \(pt(margins.top)) \(pt(margins.right)) \(pt(margins.bottom)) \(pt(margins.left));
              @bottom-center { content: \(footer); font: \(pt(t.footerSize)) Helvetica, Arial, sans-serif; }
            }
            body {
              max-width: \(pt(columnWidth)); margin: 24pt auto; padding: 0 12pt;
              font: \(pt(t.bodySize))/\(leading) Helvetica, Arial, "Liberation Sans", sans-serif;
              color: #000; background: #fff;
            }
            h1, h2, h3 { margin: 0 0 \(pt(t.headingSpaceAfter)); line-height: \(leading); }
            \(HeadingLevel.allCases.map(heading).joined(separator: "\n"))
            p { margin: 0 0 \(pt(t.paragraphSpacing)); }
            table.items { width: 100%; border-collapse: collapse; margin: 0 0 \(pt(t.blockSpacing)); }
            table.items th {
              text-align: left; font-weight: normal; vertical-align: top;
              padding: 0 \(pt(t.tableColumnGap)) \(pt(t.tableRowGap)) 0;
            }
            table.items td { text-align: right; vertical-align: top; padding: 0 0 \(pt(t.tableRowGap)); }
            table.items tr.total > * {
              font-weight: bold; border-top: \(pt(t.hairline)) solid #000; padding-top: \(pt(t.totalRuleGap));
            }
            .box {
              border: \(pt(t.strokeWidth)) solid #000; padding: \(pt(t.boxPadding)); margin: 0 0 \(pt(t.blockSpacing));
              break-inside: avoid;
            }
            .box > :first-child { margin-top: 0; }
            .box > :last-child { margin-bottom: 0; }
            .box-title { font-size: \(pt(t.boxTitleSize)); font-weight: bold; margin: 0 0 \(pt(t.boxTitleSpaceAfter)); }
            hr { border: 0; border-top: \(pt(t.hairline)) solid #000; margin: \(pt(t.ruleSpacing)) 0; }
            .detach {
              display: flex; align-items: center; gap: \(pt(t.detachLabelGap)); font-size: \(pt(t.detachLabelSize));
              margin: \(pt(t.paragraphSpacing)) 0;
            }
            .detach::before, .detach::after { content: ""; flex: 1; border-top: \(pt(t.hairline)) dashed #000; }
            .checkbox { margin: 0 0 \(pt(t.checkboxSpacing)); padding-left: 1.4em; text-indent: -1.4em; }
            .page-break { break-after: page; }
            .envelope { margin: 0 0 \(pt(t.blockSpacing * 3)); }
            .envelope .return-address { font-size: \(pt(EnvelopeWindows.returnSize)); }
            @media print { body { max-width: none; margin: 0; padding: 0; } }
            """
    }
}
