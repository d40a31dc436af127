package store_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/mauve-alert/mauve/store"
)

// hostileDetail is an XSS cheat-sheet of detail HTML. Every entry is also a
// seed of FuzzSanitizeDetail.
var hostileDetail = []struct {
	name    string
	in      string
	forbid  []string // case-insensitive substrings that must not appear
	require []string // substrings that must appear
}{
	{"script", `<p>disk full</p><script>alert(1)</script>`, []string{"<script", "alert"}, []string{"<p>disk full</p>"}},
	{"uppercase script", `<SCRIPT SRC=https://evil.example/x.js></SCRIPT>ok`, []string{"<script", "evil"}, []string{"ok"}},
	{"self-closing script still opens", `<script/>alert(1)</script>ok`, []string{"alert"}, []string{"ok"}},
	{"split script", `<scr<script>ipt>alert(1)</scr</script>ipt>`, []string{"<script", "<scr"}, nil},
	{"unclosed script eats the rest", `<p>a</p><script>alert(1)`, []string{"alert", "<script"}, []string{"<p>a</p>"}},
	{"img onerror", `<img src=x onerror=alert(1)>`, []string{"onerror", "alert", "<img"}, nil},
	{"img onerror with good src", `<img src="https://example.com/g.png" onerror="alert(1)" alt=graph>`, []string{"onerror", "alert"}, []string{`<img src="https://example.com/g.png" alt="graph">`}},
	{"svg onload", `<svg onload=alert(1)><circle r=1>x</circle></svg>after`, []string{"<svg", "onload", "circle"}, []string{"after"}},
	{"svg slash attribute opens svg", `<svg/onload=alert(1)>after`, []string{"<svg", "onload", "after"}, nil},
	{"svg self-closing", `<svg/>after`, []string{"<svg"}, []string{"after"}},
	{"math", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, []string{"<math", "<img", "onerror", "<style"}, nil},
	{"javascript link", `<a href="javascript:alert(1)">x</a>`, []string{"javascript", "<a"}, []string{"x"}},
	{"uppercase javascript link", `<A HREF="JaVaScRiPt:alert(1)">x</A>`, []string{"javascript", "<a"}, []string{"x"}},
	{"entity javascript link", `<a href="&#106;&#97;vascript:alert(1)">x</a>`, []string{"javascript", "&#106;", "<a"}, nil},
	{"hex entity javascript link", `<a href="&#x6A;avascript&#x3A;alert(1)">x</a>`, []string{"javascript", "<a"}, nil},
	{"tab in javascript", `<a href="jav&#x09;ascript:alert(1)">x</a>`, []string{"ascript", "<a"}, nil},
	{"newline in javascript", "<a href=\"jav\nascript:alert(1)\">x</a>", []string{"ascript", "<a"}, nil},
	{"leading space and control", "<a href=\" \x01javascript:alert(1)\">x</a>", []string{"javascript", "<a"}, nil},
	{"unquoted javascript", `<a href=javascript:alert(1)>x</a>`, []string{"javascript", "<a"}, nil},
	{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, []string{"data:", "<script"}, nil},
	{"data image", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, []string{"data:", "<img"}, nil},
	{"vbscript link", `<a href="vbscript:msgbox(1)">x</a>`, []string{"vbscript"}, nil},
	{"relative link refused", `<a href="/alerts/ack?all=1">x</a>`, []string{"<a", "/alerts"}, []string{"x"}},
	{"protocol-relative link refused", `<a href="//evil.example/">x</a>`, []string{"<a", "evil"}, nil},
	{"iframe", `<iframe src="https://evil.example/">inside</iframe>ok`, []string{"<iframe", "inside"}, []string{"ok"}},
	{"object and embed", `<object data="x.swf"><param name=a>inner</object><embed src="x.swf">ok`, []string{"<object", "<embed", "inner", "<param"}, []string{"ok"}},
	{"style element", `<style>body{display:none}</style>ok`, []string{"<style", "display"}, []string{"ok"}},
	{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, []string{"style", "javascript"}, []string{"<p>x</p>"}},
	{"form", `<form action="https://evil.example/"><input name=password><button>go</button></form>`, []string{"<form", "<input", "<button", "action"}, nil},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">`, []string{"<meta", "refresh", "evil"}, nil},
	{"base", `<base href="https://evil.example/">`, []string{"<base", "evil"}, nil},
	{"link stylesheet", `<link rel=stylesheet href="https://evil.example/x.css">`, []string{"<link", "evil"}, nil},
	{"title and textarea", `<title>t</title><textarea><img src=x onerror=alert(1)></textarea>ok`, []string{"<title", "<textarea", "onerror"}, []string{"ok"}},
	{"template and noscript", `<template><script>alert(1)</script></template><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, []string{"<script", "onerror", "<template", "<noscript", "<img"}, nil},
	{"comment", `a<!-- <script>alert(1)</script> -->b`, []string{"<!--", "script"}, []string{"ab"}},
	{"nested comment trick", `<!--<script>alert(1)//--><script>alert(2)</script>`, []string{"<script", "alert"}, nil},
	{"cdata", `<![CDATA[<script>alert(1)</script>]]>ok`, []string{"cdata", "<script"}, []string{"ok"}},
	{"processing instruction", `<?xml-stylesheet href="x"?>ok`, []string{"<?", "xml"}, []string{"ok"}},
	{"doctype", `<!DOCTYPE html>ok`, []string{"doctype"}, []string{"ok"}},
	{"attribute breakout", `<abbr title='"><script>alert(1)</script>'>x</abbr>`, []string{"<script"}, []string{`<abbr title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</abbr>`}},
	{"unclosed attribute at the size cut", `<p>load high</p><a href="https://example.com/x" onclick="alert(1)`, []string{"onclick", "alert"}, []string{"<p>load high</p>"}},
	{"unclosed tags closed", `<div><p><b>x`, nil, []string{"<div><p><b>x</b></p></div>"}},
	{"misnested tags closed in order", `<b><i>x</b>y</i>`, nil, []string{"<b><i>x</i></b>y"}},
	{"stray end tags dropped", `</p></div>x</table>`, nil, []string{"x"}},
	{"on-handlers on allowed tags", `<p onmouseover=alert(1) ONCLICK="x">y</p>`, []string{"onmouseover", "onclick", "alert"}, []string{"<p>y</p>"}},
	{"text escaped", `a < b & c > d "q"`, []string{" < ", " > "}, []string{"a &lt; b &amp; c &gt; d &#34;q&#34;"}},
	{"link gets rel and target", `<a href="https://example.com/graph" target=_self rel=opener>graph</a>`, []string{"_self", "opener\""}, []string{`<a href="https://example.com/graph" rel="nofollow noopener noreferrer" target="_blank">graph</a>`}},
	{"mailto link", `<a href="mailto:ops@example.com">ops</a>`, nil, []string{`href="mailto:ops@example.com"`}},
	{"width must be a number", `<img src="https://example.com/g.png" width="100%;x:expression(alert(1))" height=20>`, []string{"expression", "width"}, []string{`height="20"`}},
	{"tables and lists kept", `<table><thead><tr><th colspan=2>h</th></tr></thead><tbody><tr><td>cpu</td><td>99%</td></tr></tbody></table><ul><li>a</li></ul><pre><code>x</code></pre>`, nil, []string{`<th colspan="2">h</th>`, "<td>cpu</td>", "<li>a</li>", "<pre><code>x</code></pre>"}},
	{"carriage return reference kept", `a&#13;b<abbr title="c&#xD;d">e</abbr>`, nil, []string{"a&#13;b", `title="c&#13;d"`}}, // found by FuzzSanitizeDetail
	{"deep nesting capped", strings.Repeat("<div>", 1000) + "x", nil, []string{"x"}},

	// The vector forms of the OWASP XSS Filter Evasion Cheat Sheet, written
	// out here (hosts are example ones); checkSanitized holds every output
	// to the allow-list besides what each case forbids.
	{"owasp polyglot locator", "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>", []string{"<svg", "onload", "onmouseover", "alert"}, nil},
	{"owasp malformed a with onmouseover", `<a onmouseover="alert(document.cookie)">xxs link</a>`, []string{"onmouseover", "<a", "cookie"}, []string{"xxs link"}},
	{"owasp malformed a unquoted handler", `<a onmouseover=alert(document.cookie)>xxs link</a>`, []string{"onmouseover", "<a"}, []string{"xxs link"}},
	{"owasp malformed img quotes", `<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`, []string{"<script", "alert", "<img"}, nil},
	{"owasp fromCharCode", `<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>`, []string{"javascript", "<img", "fromcharcode"}, nil},
	{"owasp img src hash onmouseover", `<IMG SRC=# onmouseover="alert('xxs')">`, []string{"onmouseover", "<img"}, nil},
	{"owasp img empty src onmouseover", `<IMG SRC= onmouseover="alert('xxs')">`, []string{"onmouseover", "<img"}, nil},
	{"owasp img without src", `<IMG onmouseover="alert('xxs')">`, []string{"onmouseover", "<img"}, nil},
	{"owasp img onerror closed", `<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`, []string{"onerror", "<img"}, nil},
	{"owasp decimal references", `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`, []string{"<img", "javascript", "&#106;"}, nil},
	{"owasp long decimal references without semicolons", `<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>`, []string{"<img", "javascript", "&#0000106"}, nil},
	{"owasp hex references without semicolons", `<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`, []string{"<img", "javascript", "&#x6a"}, nil},
	{"owasp embedded tab", "<IMG SRC=\"jav\tascript:alert('XSS');\">", []string{"<img", "ascript"}, nil},
	{"owasp embedded encoded tab", `<IMG SRC="jav&#x09;ascript:alert('XSS');">`, []string{"<img", "ascript"}, nil},
	{"owasp embedded encoded newline", `<IMG SRC="jav&#x0A;ascript:alert('XSS');">`, []string{"<img", "ascript"}, nil},
	{"owasp embedded encoded carriage return", `<IMG SRC="jav&#x0D;ascript:alert('XSS');">`, []string{"<img", "ascript"}, nil},
	{"owasp null breaks up javascript", "<IMG SRC=java\x00script:alert(\"XSS\")>", []string{"<img", "script"}, nil},
	{"owasp spaces and meta characters before javascript", `<IMG SRC=" &#14;  javascript:alert('XSS');">`, []string{"<img", "javascript"}, nil},
	{"owasp named entity tab, newline and colon", `<a href="java&Tab;script&colon;alert&lpar;1&rpar;">x</a><a href="java&NewLine;script:alert(2)">y</a>`, []string{"<a", "script"}, []string{"x", "y"}},
	{"owasp decimal colon", `<a href="javascript&#58;alert(1)">x</a><a href="javascript&#0000058alert(2)">y</a>`, []string{"<a", "javascript"}, []string{"x", "y"}},
	{"owasp non-alphanumeric after tag name", `<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT><SCRIPT/SRC="http://xss.example/xss.js"></SCRIPT>ok`, []string{"<script", "xss.js"}, []string{"ok"}},
	{"owasp body onload with punctuation", "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>ok", []string{"<body", "onload", "alert"}, []string{"ok"}},
	{"owasp extraneous open brackets", `<<SCRIPT>alert("XSS");//\<</SCRIPT>`, []string{"<script", "alert"}, []string{"&lt;"}},
	{"owasp no closing script tag", `<SCRIPT SRC=http://xss.example/xss.js?< B >`, []string{"<script", "<b", "xss.js"}, nil},
	{"owasp protocol-relative script", `<SCRIPT SRC=//xss.example/.j>`, []string{"<script", "xss.example"}, nil},
	{"owasp half open img", `<IMG SRC="` + "`<javascript:alert>`" + `('XSS')"`, []string{"<img", "<javascript", "javascript"}, nil},
	{"owasp double open angle iframe", `<iframe src=http://xss.example/scriptlet.html <`, []string{"<iframe", "scriptlet"}, nil},
	{"owasp end script then script", `\";alert('XSS');//</script><script>alert('XSS');</script>`, []string{"<script", "</script"}, []string{`\&#34;;alert(&#39;XSS&#39;);//`}},
	{"owasp end title tag", `</TITLE><SCRIPT>alert("XSS");</SCRIPT>`, []string{"<script", "alert", "title"}, nil},
	{"owasp input image", `<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`, []string{"<input", "javascript"}, nil},
	{"owasp body background", `<BODY BACKGROUND="javascript:alert('XSS')">ok`, []string{"<body", "background", "javascript"}, []string{"ok"}},
	{"owasp img dynsrc and lowsrc", `<IMG DYNSRC="javascript:alert('XSS')"><IMG LOWSRC="javascript:alert('XSS')">`, []string{"<img", "dynsrc", "lowsrc", "javascript"}, nil},
	{"owasp list-style-image", `<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`, []string{"<style", "list-style", "javascript"}, []string{"<ul><li>XSS"}},
	{"owasp vbscript image", `<IMG SRC='vbscript:msgbox("XSS")'>`, []string{"<img", "vbscript"}, nil},
	{"owasp body onload", `<BODY ONLOAD=alert('XSS')>ok`, []string{"<body", "onload", "alert"}, []string{"ok"}},
	{"owasp handlers without a click", `<input autofocus onfocus=alert(1)><details open ontoggle=alert(2)>d</details><video><source onerror=alert(3)></video><marquee onstart=alert(4)>m</marquee><body onpageshow=alert(5)>`, []string{"onfocus", "ontoggle", "onerror", "onstart", "onpageshow", "<input", "<details", "<video", "<source", "<marquee", "autofocus"}, []string{"d", "m"}},
	{"owasp bgsound", `<BGSOUND SRC="javascript:alert('XSS');">`, []string{"<bgsound", "javascript"}, nil},
	{"owasp ampersand javascript include", `<BR SIZE="&{alert('XSS')}">`, []string{"size", "alert"}, []string{"<br>"}},
	{"owasp stylesheet link to javascript", `<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`, []string{"<link", "javascript"}, nil},
	{"owasp remote stylesheet import", `<STYLE>@import'http://xss.example/xss.css';</STYLE>ok`, []string{"<style", "@import", "xss.css"}, []string{"ok"}},
	{"owasp stylesheet in http header style", `<META HTTP-EQUIV="Link" Content="<http://xss.example/xss.css>; REL=stylesheet">ok`, []string{"<meta", "xss.css"}, []string{"ok"}},
	{"owasp style with moz-binding and behavior", `<STYLE>BODY{-moz-binding:url("http://xss.example/xssmoz.xml#xss")}</STYLE><div style="behavior: url(xss.htc);">x</div>`, []string{"<style", "moz-binding", "behavior", "style="}, []string{"<div>x</div>"}},
	{"owasp style tags broken up", `<STYLE>@im\port'\ja\vasc\ript:alert("XSS")';</STYLE>ok`, []string{"<style", "@im", "vasc"}, []string{"ok"}},
	{"owasp img style expression", `<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`, []string{"<img", "style", "ession"}, nil},
	{"owasp anonymous element with style", `<XSS STYLE="xss:expression(alert('XSS'))">ok`, []string{"<xss", "style", "expression"}, []string{"ok"}},
	{"owasp style background-image", `<STYLE>.XSS{background-image:url("javascript:alert('XSS')");}</STYLE><A CLASS=XSS></A><STYLE type="text/css">BODY{background:url("javascript:alert('XSS')")}</STYLE>ok`, []string{"<style", "<a", "class", "javascript"}, []string{"ok"}},
	{"owasp div background-image with unicode escapes", `<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">x</DIV>`, []string{"style", "background", "\\0075"}, []string{"<div>x</div>"}},
	{"owasp div background-image with extra characters", `<DIV STYLE="background-image: url(&#1;javascript:alert('XSS'))">x</DIV>`, []string{"style", "javascript"}, []string{"<div>x</div>"}},
	{"owasp div expression", `<DIV STYLE="width: expression(alert('XSS'));">x</DIV><span style="color: expression(alert(1))">y</span>`, []string{"style", "expression"}, []string{"<div>x</div>", "<span>y</span>"}},
	{"owasp meta refresh with data url", `<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">`, []string{"<meta", "data:", "base64"}, nil},
	{"owasp meta refresh with extra url", `<META HTTP-EQUIV="refresh" CONTENT="0; URL=http://;URL=javascript:alert('XSS');">`, []string{"<meta", "javascript"}, nil},
	{"owasp meta set-cookie", `<META HTTP-EQUIV="Set-Cookie" Content="USERID=<SCRIPT>alert('XSS')</SCRIPT>">`, []string{"<meta", "<script", "cookie"}, nil},
	{"owasp utf-7 charset", `<HEAD><META HTTP-EQUIV="CONTENT-TYPE" CONTENT="text/html; charset=UTF-7"> </HEAD>+ADw-SCRIPT+AD4-alert('XSS');+ADw-/SCRIPT+AD4-`, []string{"<head", "<meta", "charset", "<script"}, nil},
	{"owasp iframe javascript and event", `<IFRAME SRC="javascript:alert('XSS');"></IFRAME><IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>ok`, []string{"<iframe", "javascript", "onmouseover"}, []string{"ok"}},
	{"owasp iframe srcdoc", `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>ok`, []string{"<iframe", "srcdoc", "script"}, []string{"ok"}},
	{"owasp frameset", `<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>ok`, []string{"<frame", "javascript"}, nil},
	{"owasp table and td background", `<TABLE BACKGROUND="javascript:alert('XSS')"><TR><TD BACKGROUND="javascript:alert('XSS')">c</TD></TR></TABLE>`, []string{"background", "javascript"}, []string{"<table><tr><td>c</td></tr></table>"}},
	{"owasp conditional comment", `<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->ok`, []string{"<!--", "<script", "alert", "endif"}, []string{"ok"}},
	{"owasp object scriptlet", `<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>ok`, []string{"<object", "scriptlet"}, []string{"ok"}},
	{"owasp object data url", `<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">inner</object>ok`, []string{"<object", "data:", "inner"}, []string{"ok"}},
	{"owasp embed svg data url", `<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>ok`, []string{"<embed", "data:", "allowscriptaccess"}, []string{"ok"}},
	{"owasp xml data island", `<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert('XSS')"></B></I></XML>`, []string{"<xml", "<img", "cript"}, []string{"<i><b></b></i>"}},
	{"owasp html+time namespace", `<HTML><BODY><?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time"><?import namespace="t" implementation="#default#time2"><t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert("XSS")</SCRIPT>"></BODY></HTML>`, []string{"<t:set", "<?", "<script", "innerhtml"}, nil},
	{"owasp server-side include", `<!--#exec cmd="/bin/echo '<SCR'"--><!--#exec cmd="/bin/echo 'IPT SRC=http://xss.example/xss.js></SCRIPT>'"-->ok`, []string{"<!--", "exec", "<scr"}, []string{"ok"}},
	{"owasp quote encapsulation", `<SCRIPT a=">" SRC="httx://xss.example/xss.js"></SCRIPT><SCRIPT =">" SRC="httx://xss.example/xss.js"></SCRIPT><SCRIPT a=">" '' SRC="httx://xss.example/xss.js"></SCRIPT><SCRIPT "a='>'" SRC="httx://xss.example/xss.js"></SCRIPT><SCRIPT a=` + "`>`" + ` SRC="httx://xss.example/xss.js"></SCRIPT><SCRIPT a=">'>" SRC="httx://xss.example/xss.js"></SCRIPT>ok`, []string{"<script", "xss.js"}, []string{"ok"}},
	{"owasp script written in two halves", `<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.example/xss.js"></SCRIPT>`, []string{"<script", "<scri", "document.write"}, []string{"PT SRC=&#34;httx://xss.example/xss.js&#34;&gt;"}},
	{"owasp javascript url redirect", `<A HREF="javascript:document.location='http://www.example.com/'">XSS</A>`, []string{"<a", "javascript"}, []string{"XSS"}},
	{"owasp escaped angle brackets stay text", `&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62; \x3cscript\x3e %3Cscript%3E`, []string{"<script"}, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}},
	{"owasp entity in tag name is text", `<&#115;cript>alert(1)</&#115;cript>`, []string{"<script"}, []string{"&lt;script&gt;"}},
	{"owasp null in tag name", "<scr\x00ipt>alert(1)</scr\x00ipt>ok", []string{"<scr", "\x00"}, []string{"ok"}},
	{"owasp svg xlink javascript", `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>ok`, []string{"<svg", "xlink", "javascript", "<text"}, []string{"ok"}},
	{"owasp svg script and animate", `<svg><script>alert(1)</script><animate onbegin=alert(2) attributeName=x dur=1s></svg><svg><set attributeName="onmouseover" to="alert(3)"/></svg>ok`, []string{"<svg", "<script", "onbegin", "<animate", "<set"}, []string{"ok"}},
	{"owasp svg use data url", `<svg><use href="data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='alert(1)' /&gt;&lt;/svg&gt;#x" /></svg>ok`, []string{"<svg", "<use", "data:"}, []string{"ok"}},
	{"owasp mathml href and maction", `<math href="javascript:alert(1)">CLICK</math><math><maction actiontype="statusline#http://x" xlink:href="javascript:alert(2)">CLICK</maction></math>ok`, []string{"<math", "<maction", "javascript", "click"}, []string{"ok"}},
	{"owasp mathml style mutation", `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">`, []string{"<math", "<img", "onerror", "<svg", "<textarea"}, nil},
	{"owasp noembed and style attribute breakout", `<noembed><img title="</noembed><img src onerror=alert(1)>"></noembed><style><img src="</style><img src=x onerror=alert(2)//">ok`, []string{"onerror", "<noembed", "<style"}, nil},
	{"owasp select template style", `<select><template><style><img src onerror=alert(1)>`, []string{"onerror", "<select", "<template", "<style", "<img"}, nil},
	{"owasp srcset and formaction", `<img src="https://example.com/a.png" srcset="javascript:alert(1)"><button formaction=javascript:alert(2)>b</button>`, []string{"srcset", "formaction", "javascript", "<button"}, []string{`<img src="https://example.com/a.png">`, "b"}},
	{"owasp slashes instead of spaces", `<img/src="https://example.com/a.png"/onerror=alert(1)><img src="https://example.com/b.png" onerror ="alert(2)">`, []string{"onerror", "alert"}, []string{`<img src="https://example.com/a.png">`, `<img src="https://example.com/b.png">`}},
	{"owasp backtick attribute", "<img src=`x` onerror=alert(1)><img src=\"https://example.com/a.png\" alt=`x`onerror=alert(2)>", []string{" onerror"}, []string{"alt=\"`x`onerror=alert(2)\""}}, // a backtick is no quote: the rest is alt's value
	{"owasp mixed-case handler on kept element", `<IMG SRC="https://example.com/a.png" OnErRoR=alert(1)>`, []string{"onerror", "alert"}, []string{`<img src="https://example.com/a.png">`}},
	{"owasp scheme tricks", `<a href="http:javascript:alert(1)">a</a><a href="https:\\evil.example">b</a><a href="javascript://%0Aalert(1)">c</a><a href="JAVASCRIPT:alert(1)">d</a>`, []string{"<a", "javascript", "evil"}, []string{"a", "b", "c", "d"}},
	{"owasp duplicate href", `<a href="javascript:alert(1)" href="https://example.com/">x</a><a href="https://example.com/" href="javascript:alert(2)">y</a>`, []string{"javascript"}, []string{`x<a href="https://example.com/" rel="nofollow noopener noreferrer" target="_blank">y</a>`}}, // the first of two wins, as in a browser
	{"owasp mailto carrying markup", `<a href="mailto:ops@example.com?body=<script>alert(1)</script>">m</a>`, []string{"<script"}, []string{`href="mailto:ops@example.com?body=&lt;script&gt;alert(1)&lt;/script&gt;"`}},
	{"owasp dom clobbering names", `<img name="cookie" id="x" src="https://example.com/a.png"><a id="config" name="y" href="https://example.com/">x</a><form name="f"></form>`, []string{"name=", "id=", "<form"}, nil},
	{"owasp clickjacking overlay", `<a href="https://example.com/" style="position:fixed;top:0;left:0;width:100%;height:100%" target=_top>x</a>`, []string{"style", "position", "_top"}, []string{`target="_blank"`}},
	{"owasp cite and longdesc", `<blockquote cite="javascript:alert(1)">q</blockquote><img src="https://example.com/a.png" longdesc="javascript:alert(2)">`, []string{"cite", "longdesc", "javascript"}, []string{"<blockquote>q</blockquote>"}},
	{"owasp plaintext swallows the rest", `<p>ok</p><plaintext><script>alert(1)</script>`, []string{"<plaintext", "<script", "alert"}, []string{"<p>ok</p>"}},
}

func TestSanitizeDetail_Hostile(t *testing.T) {
	for _, tt := range hostileDetail {
		t.Run(tt.name, func(t *testing.T) {
			got := store.SanitizeDetail(tt.in)
			low := strings.ToLower(got)
			for _, f := range tt.forbid {
				if strings.Contains(low, strings.ToLower(f)) {
					t.Errorf("got %q, which contains %q", got, f)
				}
			}
			for _, r := range tt.require {
				if !strings.Contains(got, r) {
					t.Errorf("got %q, want it to contain %q", got, r)
				}
			}
			if err := checkSanitized(got); err != nil {
				t.Errorf("got %q: %v", got, err)
			}
			if again := store.SanitizeDetail(got); again != got {
				t.Errorf("sanitizing twice: got %q, want %q", again, got)
			}
		})
	}
}

func TestStripHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<b>host1</b>", "host1"},
		{"<script>alert(1)</script>db", "db"},
		{"disk <b>full</b> &amp; slow &lt;3", "disk full & slow <3"},
		{"a < b", "a < b"},
		{"<style>x{}</style><p>one</p><p>two</p>", "onetwo"},
		{"x<!-- c -->y", "xy"},
		{"&amp;lt;", "&lt;"},
	}
	for _, tt := range tests {
		if got := store.StripHTML(tt.in); got != tt.want {
			t.Errorf("StripHTML(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetailText(t *testing.T) {
	in := `<p>disk <b>full</b></p><ul><li>a</li><li>b &amp; c</li></ul>x<br>y<script>z</script>`
	want := "disk full\na\nb & c\nx\ny"
	if got := store.DetailText(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzSanitizeDetail checks that whatever comes in, the output tokenized
// again holds only allowed elements and attributes, no URL outside the
// allowed schemes, no comment or raw-text element, and is a fixed point.
func FuzzSanitizeDetail(f *testing.F) {
	for _, tt := range hostileDetail {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := store.SanitizeDetail(in)
		if err := checkSanitized(got); err != nil {
			t.Fatalf("SanitizeDetail(%q) = %q: %v", in, got, err)
		}
		if again := store.SanitizeDetail(got); again != got {
			t.Fatalf("SanitizeDetail(%q) = %q, but sanitizing that gives %q", in, got, again)
		}
	})
}

// allowed is the allow-list as the test reads it, written out apart from
// the implementation on purpose.
var allowed = map[string][]string{
	"p": nil, "br": nil, "pre": nil, "code": nil, "b": nil, "i": nil, "em": nil, "strong": nil,
	"u": nil, "s": nil, "small": nil, "sub": nil, "sup": nil, "ul": nil, "ol": nil, "li": nil,
	"dl": nil, "dt": nil, "dd": nil, "table": nil, "thead": nil, "tbody": nil, "tfoot": nil, "tr": nil,
	"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"blockquote": nil, "hr": nil, "span": nil, "div": nil,
	"a": {"href", "rel", "target"}, "img": {"src", "alt", "width", "height"}, "abbr": {"title"},
}

func checkSanitized(out string) error {
	z := xhtml.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if errors.Is(z.Err(), io.EOF) {
				return nil
			}
			return z.Err()
		}
		tok := z.Token()
		switch tt {
		case xhtml.CommentToken, xhtml.DoctypeToken:
			return errors.New("comment or doctype kept")
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			attrs, ok := allowed[tok.Data]
			if !ok {
				return errors.New("element <" + tok.Data + "> kept")
			}
			for _, a := range tok.Attr {
				if !contains(attrs, a.Key) {
					return errors.New("attribute " + a.Key + " kept on <" + tok.Data + ">")
				}
				if a.Key != "href" && a.Key != "src" {
					continue
				}
				u := strings.ToLower(a.Val)
				if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") &&
					(a.Key == "src" || !strings.HasPrefix(u, "mailto:")) {
					return errors.New("URL " + a.Val + " kept")
				}
				if strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
					return errors.New("URL " + a.Val + " has whitespace or control characters")
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func BenchmarkSanitizeDetail(b *testing.B) {
	in := strings.Repeat(`<p>disk <b>full</b> on <a href="https://example.com/x" onclick="x()">db1</a></p><script>bad()</script><table><tr><td>/var</td><td>97%</td></tr></table>`, 40)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		store.SanitizeDetail(in)
	}
}
