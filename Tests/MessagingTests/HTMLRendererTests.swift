import Foundation
import Messaging
import Testing

struct HTMLRendererTests {
    @Test func rendersACompleteStandalonePage() {
        let html = HTMLRenderer.render(SampleLetters.english, language: "en")
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>Validation notice — reference 1234567</title>"))
        #expect(html.contains("size: 612pt 792pt;"))
        #expect(html.contains("margin: 54pt 54pt 54pt 54pt;"))
        #expect(html.contains("content: \"Page \" counter(page) \" of \" counter(pages);"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http"))  // nothing external to load
    }

    @Test func escapesUntrustedText() {
        let letter = Letter(title: "</title><script>", blocks: [
            .paragraph("<script>alert('x')</script> & \"quotes\""), .table([TableRow("<b>", "<i>")]),
        ])
        let html = HTMLRenderer.render(letter, language: "en\"><script>")
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("<title>&lt;/title&gt;&lt;script&gt;</title>"))
        #expect(html.contains("<html lang=\"en&quot;&gt;&lt;script&gt;\">"))
        #expect(html.contains("<th scope=\"row\">&lt;b&gt;</th><td>&lt;i&gt;</td>"))
    }

    @Test func usesSemanticAccessibleMarkup() {
        let html = HTMLRenderer.render(SampleLetters.english, language: "en")
        #expect(html.contains("<h1>Notice: We are trying to collect a debt"))
        #expect(html.contains("<h2>Our information shows:</h2>"))
        #expect(html.contains(
            "<tr class=\"total\"><th scope=\"row\">Total amount of the debt now:</th><td>$2,284.56</td></tr>"))
        #expect(html.contains("<section class=\"box\" aria-label=\"How can you dispute the debt?\">"))
        #expect(html.contains("<p class=\"checkbox\">☐ This is not my debt.</p>"))
        #expect(html.contains("<div class=\"detach\"><span>Detach and return this part</span></div>"))
        #expect(html.contains("Example Debt Collector<br>\n123 Main Street"))
        #expect(html.contains("<p style=\"font-size: 9pt\">"))
        #expect(html.contains("<p><strong>Reference: 1234567</strong></p>"))
    }

    @Test func spanishLettersKeepTheirCharactersAndFooterWords() {
        let html = HTMLRenderer.render(SampleLetters.spanish, language: "es-US")
        #expect(html.contains("<html lang=\"es-US\">"))
        #expect(html.contains("¿Cómo puede disputar la deuda?"))
        #expect(html.contains("Averigüe sus derechos en www.cfpb.gov/debt-collection — la “Oficina”"))
        #expect(html.contains("content: \"Página \" counter(page) \" de \" counter(pages);"))
        #expect(html.contains("<div class=\"page-break\" aria-hidden=\"true\"></div>"))
    }

    @Test func cssStringsCannotCloseTheStyleElement() {
        let letter = Letter(title: "t", pageNumbering: PageNumbering(page: "</style>\"", of: "\\"), blocks: [])
        let html = HTMLRenderer.render(letter, language: "en")
        #expect(!html.contains("</style>\""))
        #expect(html.contains(#"content: "\3C /style>\" " counter(page) " \\ " counter(pages);"#))
    }
}
