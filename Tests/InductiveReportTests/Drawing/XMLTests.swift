import InductiveReport
import Testing

@Suite struct XMLTests {
    @Test func escapesMarkupCharacters() {
        #expect(XML.escape(#"a < b && c > "d" 'e'"#) == "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;")
        #expect(XML.escape("plain ü ∞") == "plain ü ∞")
    }

    @Test func replacesCharactersXMLForbids() {
        let escaped = XML.escape("bell\u{07} nul\u{00} tab\tnewline\n")
        #expect(escaped == "bell\u{FFFD} nul\u{FFFD} tab\tnewline\n")
        #expect(XMLCheck("<t>\(XML.escape("x\u{01}\u{1F}\u{FFFE}y"))</t>").isWellFormed)
    }

    @Test func escapedArbitraryTextStaysWellFormed() {
        let nasty = "</text><script>alert(1)</script> & &amp; ]]> <!-- \u{0B} \u{FFFF}"
        let check = XMLCheck("<root a=\"\(XML.escape(nasty))\">\(XML.escape(nasty))</root>")
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.all("script").isEmpty)
        #expect(check.text == nasty.replacingOccurrences(of: "\u{0B}", with: "\u{FFFD}").replacingOccurrences(of: "\u{FFFF}", with: "\u{FFFD}"))
    }
}
