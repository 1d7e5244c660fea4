<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountsDialog</name>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="74"/>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="78"/>
        <source>Keyring: checking…</source>
        <translation>密钥环：正在检查…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="88"/>
        <source>Alibaba Cloud NLS</source>
        <translation>阿里云智能语音（NLS）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="88"/>
        <source>Baidu long-text synthesis</source>
        <translation>百度长文本语音合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="100"/>
        <source>Show secrets</source>
        <translation>显示密钥</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="104"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="106"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="108"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="127"/>
        <source>Credentials are stored in your system keyring, never in projects or settings. Environment variables (STUDIO_ALIYUN_*, STUDIO_BAIDU_*) override them.</source>
        <translation>凭据保存在系统密钥环中，绝不写入项目或设置。环境变量（STUDIO_ALIYUN_*、STUDIO_BAIDU_*）优先于密钥环。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="163"/>
        <source>Keyring backend: {backend}</source>
        <translation>密钥环后端：{backend}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="166"/>
        <source>no usable keyring backend: credentials cannot be saved</source>
        <translation>没有可用的密钥环后端：无法保存凭据</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="167"/>
        <source>no usable keyring backend: credentials cannot be saved (on Linux install and unlock a Secret Service such as gnome-keyring)</source>
        <translation>没有可用的密钥环后端：无法保存凭据（在 Linux 上请安装并解锁 Secret Service，例如 gnome-keyring）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="169"/>
        <source>the keyring backend stores credentials as plaintext files</source>
        <translation>此密钥环后端以明文文件保存凭据</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="171"/>
        <source>Not secure: {warning}</source>
        <translation>不安全：{warning}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="184"/>
        <source>No credentials stored.</source>
        <translation>尚未保存凭据。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="185"/>
        <source>Stored in the keyring.</source>
        <translation>已保存在密钥环中。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="186"/>
        <source>Taken from environment variables.</source>
        <translation>取自环境变量。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="187"/>
        <source>Environment variables override the keyring.</source>
        <translation>环境变量优先于密钥环。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="191"/>
        <source>Keyring unavailable: {error}</source>
        <translation>密钥环不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="197"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="200"/>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="204"/>
        <source>Saved in {backend}.</source>
        <translation>已保存到 {backend}。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="213"/>
        <source>Removed.</source>
        <translation>已删除。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="213"/>
        <source>Nothing was stored.</source>
        <translation>没有已保存的凭据。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="223"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="232"/>
        <source>Credentials accepted (a token was issued).</source>
        <translation>凭据有效（已签发令牌）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="247"/>
        <source>Note: a token proves the AccessKey and AppKey only. Long-text synthesis is for commercial accounts only: a trial account gets error 40000010 at the first task (upgrade to the commercial edition in the Intelligent Speech Interaction console).</source>
        <translation>注意：获取到令牌只说明 AccessKey 和 AppKey 有效。长文本语音合成仅对商用版账号开放：试用账号在提交第一个任务时会收到错误 40000010（请在智能语音交互控制台升级到商用版）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/accounts_dialog.py" line="250"/>
        <source>Note: a token proves the API Key and Secret Key only. Long-text synthesis must be enabled and paid for on the application: otherwise the first task gets error 336204 (enable 长文本在线合成 in the Baidu AI console).</source>
        <translation>注意：获取到令牌只说明 API Key 和 Secret Key 有效。应用必须开通并付费使用长文本合成，否则第一个任务会收到错误 336204（请在百度智能云控制台开通“长文本在线合成”）。</translation>
    </message>
</context>
<context>
    <name>AcxExtras</name>
    <message>
        <location filename="../../studio/gui/acx_extras.py" line="22"/>
        <source>Opening and closing credits</source>
        <translation>片头与片尾署名</translation>
    </message>
    <message>
        <location filename="../../studio/gui/acx_extras.py" line="23"/>
        <source>Title, author and narrator, spoken in the book&apos;s voice as the first and last files</source>
        <translation>书名、作者与演播者，用本书的声音朗读，作为第一个和最后一个文件</translation>
    </message>
    <message>
        <location filename="../../studio/gui/acx_extras.py" line="26"/>
        <source>Retail sample (about 3 minutes)</source>
        <translation>试听样章（约 3 分钟）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/acx_extras.py" line="27"/>
        <source>A 1-5 minute sample from the start of the book, without credits, written next to the chapters</source>
        <translation>从书的开头截取 1–5 分钟的试听，不含署名，写在各章文件旁</translation>
    </message>
    <message>
        <location filename="../../studio/gui/acx_extras.py" line="33"/>
        <source>Credits</source>
        <translation>片头片尾</translation>
    </message>
</context>
<context>
    <name>BookDocument</name>
    <message>
        <location filename="../../studio/gui/document.py" line="95"/>
        <source>Open or import a book first.</source>
        <extracomment>(chapter, paragraph) whose pronunciation changed in this session (studio/gui/polyphone_menu.py).</extracomment>
        <translation>请先打开或导入一本书。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/document.py" line="225"/>
        <source>Nothing is selected to assign the voice to.</source>
        <translation>没有选中要指定音色的内容。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/document.py" line="229"/>
        <source>Clear voice override</source>
        <translation>清除音色覆盖</translation>
    </message>
    <message>
        <location filename="../../studio/gui/document.py" line="231"/>
        <source>Book voice: {voice}</source>
        <translation>全书音色：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/document.py" line="233"/>
        <source>Chapter voice: {voice}</source>
        <translation>章节音色：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/document.py" line="235"/>
        <source>Paragraph voice: {voice}</source>
        <translation>段落音色：{voice}</translation>
    </message>
</context>
<context>
    <name>CastConfirm</name>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="28"/>
        <source>the narrator&apos;s voice</source>
        <translation>旁白的声音</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="30"/>
        <source>{name}: {n} quotes (already in the cast, keeps its voice)</source>
        <translation>{name}：{n} 句引语（已在角色表中，保留原声音）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="33"/>
        <source>{name}: new character, voice {voice}, {n} quotes</source>
        <translation>{name}：新角色，声音 {voice}，{n} 句引语</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="35"/>
        <source>{n} quotes in all get a character&apos;s voice; the rest stay with the narrator.</source>
        <translation>共 {n} 句引语使用角色的声音；其余仍由旁白朗读。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="43"/>
        <source>Accepting writes into the project:</source>
        <translation>接受后将写入项目：</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_confirm.py" line="44"/>
        <source>Accept the cast?</source>
        <translation>接受角色分配？</translation>
    </message>
</context>
<context>
    <name>CastDock</name>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="113"/>
        <source>Cast</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="119"/>
        <source>Propose finds the quotes of the chapter and who says them.</source>
        <translation>“建议”会找出本章的引语以及说话人。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="127"/>
        <source>Whole book</source>
        <translation>全书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="128"/>
        <source>Propose for every chapter, not only the current one</source>
        <translation>为所有章节提出建议，而不只是当前章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="130"/>
        <source>Propose</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="132"/>
        <source>Assign</source>
        <translation>指定</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="133"/>
        <source>Give the selected quotes to the speaker chosen above</source>
        <translation>把选中的引语交给上面选定的说话人</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="135"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="136"/>
        <source>Write the cast and the quotes&apos; voices into the project</source>
        <translation>把角色表和引语的音色写入项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="144"/>
        <source>Audition</source>
        <translation>试听</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="145"/>
        <source>Speak a sample line in the selected quote&apos;s character&apos;s voice</source>
        <translation>用所选引语的角色声音朗读一句示例</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="196"/>
        <source>Narrator</source>
        <translation>旁白</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="199"/>
        <source>{name}: {n} quotes, voice {voice}</source>
        <translation>{name}：{n} 句，音色 {voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="200"/>
        <source>the narrator&apos;s</source>
        <translation>旁白的</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="201"/>
        <source>No speakers found in this chapter.</source>
        <translation>本章没有找到说话人。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="237"/>
        <source>Cast not accepted: nothing was changed.</source>
        <translation>未接受角色分配：没有任何更改。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="266"/>
        <source>Cast accepted: {n} quotes have a voice.</source>
        <translation>角色已接受：{n} 句引语有了音色。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="274"/>
        <source>Cast: {error}</source>
        <translation>角色：{error}</translation>
    </message>
</context>
<context>
    <name>ChapterDock</name>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="33"/>
        <source>Chapters</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="69"/>
        <source>&amp;Add Chapter</source>
        <translation>添加章节(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="70"/>
        <source>Add an empty chapter after the selected one</source>
        <translation>在所选章节之后添加一个空章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="71"/>
        <source>Re&amp;name Chapter</source>
        <translation>重命名章节(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="72"/>
        <source>Rename the selected chapter</source>
        <translation>重命名所选章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="73"/>
        <source>&amp;Split at Cursor</source>
        <translation>在光标处拆分(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="74"/>
        <source>Start a new chapter at the paragraph with the cursor</source>
        <translation>从光标所在段落开始新的一章</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="75"/>
        <source>&amp;Merge with Next</source>
        <translation>与下一章合并(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="76"/>
        <source>Append the next chapter to the selected one</source>
        <translation>把下一章并入所选章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="77"/>
        <source>Move &amp;Up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="78"/>
        <source>Move the selected chapter up</source>
        <translation>把所选章节上移</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="79"/>
        <source>Move &amp;Down</source>
        <translation>下移(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="80"/>
        <source>Move the selected chapter down</source>
        <translation>把所选章节下移</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="81"/>
        <source>&amp;Delete Chapter</source>
        <translation>删除章节(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="82"/>
        <source>Delete the selected chapter (undoable)</source>
        <translation>删除所选章节（可撤销）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="161"/>
        <source>New chapter</source>
        <translation>新章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_dock.py" line="177"/>
        <source>Put the cursor in the paragraph that should start the new chapter (not the first one).</source>
        <translation>请把光标放在新章节的起始段落中（不能是第一段）。</translation>
    </message>
</context>
<context>
    <name>ChapterTreeModel</name>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="259"/>
        <source>Inherited from the book: {voice}</source>
        <extracomment>The Voice column&apos;s colour for a chapter that speaks with the book&apos;s voice (inherited, not its own).</extracomment>
        <translation>继承全书音色：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="260"/>
        <source>This chapter&apos;s own voice: {voice}</source>
        <translation>本章自己的音色：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="261"/>
        <source>{title}: {n} paragraphs, {c} characters</source>
        <translation>{title}：{n} 段，{c} 字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="295"/>
        <source>The book&apos;s voice is {voice}; greyed: chapters that use it, bold: chapters with their own</source>
        <translation>全书音色为 {voice}；灰色：沿用全书音色的章节，粗体：有自己音色的章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="297"/>
        <source>Voice (book: {voice})</source>
        <translation>音色（全书：{voice}）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="300"/>
        <source>Chapter</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="300"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="300"/>
        <source>Voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="300"/>
        <source>Paragraphs</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="301"/>
        <source>Characters</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="365"/>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="366"/>
        <source>not rendered</source>
        <translation>未合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="367"/>
        <source>stale</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="368"/>
        <source>partly rendered</source>
        <translation>部分已合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="369"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="370"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="371"/>
        <source>rendering…</source>
        <translation>合成中…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="372"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="377"/>
        <source>Checking the audio cache…</source>
        <translation>正在检查音频缓存…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="378"/>
        <source>This chapter has no text to render.</source>
        <translation>本章没有可合成的文字。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="379"/>
        <source>No paragraph of this chapter has audio yet.</source>
        <translation>本章还没有任何段落有音频。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="380"/>
        <source>Edited since it was rendered: some paragraphs need new audio.</source>
        <translation>合成后已被修改：部分段落需要重新合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="381"/>
        <source>Some paragraphs have audio, the others were not rendered yet.</source>
        <translation>部分段落已有音频，其余段落尚未合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="382"/>
        <source>Every paragraph has audio for its current text and voice.</source>
        <translation>每个段落都有与当前文字和音色一致的音频。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="383"/>
        <source>The last render failed on a paragraph of this chapter.</source>
        <translation>上次合成在本章的某个段落失败。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="384"/>
        <source>Being rendered now.</source>
        <translation>正在合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/chapter_model.py" line="385"/>
        <source>Waiting for its turn in the running render.</source>
        <translation>在当前合成中排队等候。</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <location filename="../../studio/gui/crash.py" line="62"/>
        <source>Audiobook Studio — unexpected error</source>
        <translation>有声书工作室 — 意外错误</translation>
    </message>
    <message>
        <location filename="../../studio/gui/crash.py" line="63"/>
        <source>Something went wrong: {error}

Your work is autosaved. The details are in the log file:
{log}</source>
        <translation>出错了：{error}

您的工作已自动保存。详细信息见日志文件：
{log}</translation>
    </message>
</context>
<context>
    <name>CreditsEditor</name>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="50"/>
        <source>Change the credits</source>
        <translation>修改片头片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="91"/>
        <source>Opening</source>
        <translation>片头</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="91"/>
        <source>Closing</source>
        <translation>片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="100"/>
        <source>Reset to generated</source>
        <translation>恢复为自动生成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="101"/>
        <source>Say the title, author and narrator as the studio writes them</source>
        <translation>按工作室生成的文字朗读书名、作者和演播者</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="110"/>
        <source>Render Credits</source>
        <translation>合成片头片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="111"/>
        <source>Synthesize the credits that have no audio yet (an edited credit only), with the usual estimate first</source>
        <translation>合成还没有音频的片头片尾（仅限改过的那段），先照常显示估算</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="152"/>
        <source>{n} characters: too long for a credit (at most {max})</source>
        <translation>{n} 个字：片头片尾太长（最多 {max} 个字）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="155"/>
        <source>Generated · {n} characters</source>
        <translation>自动生成 · {n} 个字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="157"/>
        <source>Your wording · {n} characters</source>
        <translation>您的措辞 · {n} 个字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="159"/>
        <source>Edited, not stored yet · {n} characters</source>
        <translation>已修改，尚未保存 · {n} 个字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="161"/>
        <source>Generated from the book&apos;s title, author and narrator</source>
        <translation>根据书名、作者和演播者生成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="162"/>
        <source>Stored in the project: `studio export --opening-credits` sets the same texts</source>
        <translation>保存在项目中：`studio export --opening-credits` 设置的是同一段文字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="171"/>
        <source>opening credits</source>
        <translation>片头</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="171"/>
        <source>closing credits</source>
        <translation>片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/credits_editor.py" line="172"/>
        <source>The {name} are {n} characters long; a credit is a sentence or two (at most {max}).</source>
        <translation>{name}有 {n} 个字；片头片尾只需一两句话（最多 {max} 个字）。</translation>
    </message>
</context>
<context>
    <name>DeliveryDialog</name>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="43"/>
        <source>Paragraph Delivery</source>
        <translation>段落语速语调</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="51"/>
        <source>Selected paragraphs</source>
        <translation>所选段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="51"/>
        <source>This chapter</source>
        <translation>本章</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="52"/>
        <source>Whole book</source>
        <translation>全书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="54"/>
        <source>Applies to</source>
        <translation>应用于</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="56"/>
        <source>Speed</source>
        <translation>语速</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="56"/>
        <source>Pitch</source>
        <translation>音调</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="56"/>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="62"/>
        <location filename="../../studio/gui/delivery_dialog.py" line="69"/>
        <source>inherited</source>
        <translation>沿用</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="70"/>
        <source>Silence after the paragraph in the export, instead of the export&apos;s paragraph gap; changing it renders nothing again</source>
        <translation>导出时在本段之后插入的静音（代替导出的段落间隔）；修改它不会重新合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="72"/>
        <source>Pause after</source>
        <translation>段后停顿</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="75"/>
        <source>{n} paragraph(s); 1 = the voice&apos;s normal delivery.</source>
        <translation>{n} 个段落；1 = 音色的正常值。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_dialog.py" line="138"/>
        <source>Paragraph delivery</source>
        <translation>段落语速语调</translation>
    </message>
</context>
<context>
    <name>EditorPanel</name>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="76"/>
        <source>Insert &amp;Emotion…</source>
        <translation>插入情感(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="80"/>
        <source>&amp;Remove Emotion</source>
        <translation>移除情感(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="83"/>
        <source>&amp;Preview Paragraph</source>
        <translation>试听段落(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="86"/>
        <source>Clear Paragraph Voice</source>
        <translation>清除段落音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="128"/>
        <source>No chapter selected</source>
        <translation>未选择章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="131"/>
        <source>{title} — {n} paragraphs — voice: {voice}</source>
        <translation>{title} — {n} 段 — 音色：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="148"/>
        <source>Emotions:</source>
        <translation>情感：</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="150"/>
        <source>⚠ {n} emotion problems (wavy underline)</source>
        <translation>⚠ {n} 处情感标注有问题（波浪下划线）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="167"/>
        <source>Open a chapter and select some text first.</source>
        <translation>请先打开一个章节并选中文字。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="172"/>
        <source>The voice {voice} is not in the voice catalogue, so its emotions are unknown. Choose a voice from the Voices panel to use emotions.</source>
        <translation>音色 {voice} 不在音色目录中，无法确定它支持哪些情感。请在“音色”面板中选择音色后再使用情感。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="176"/>
        <source>The voice {voice} has no emotions. Choose a multi-emotion voice in the Voices panel (filter Emotion: any) to use emotions.</source>
        <translation>音色 {voice} 不支持情感。请在“音色”面板中选择多情感音色（情感筛选：任意情感）后再使用情感。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="180"/>
        <source>Select the text the emotion should cover.</source>
        <translation>请选中要添加情感的文字。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="182"/>
        <location filename="../../studio/gui/editor_panel.py" line="225"/>
        <source>Select text within one paragraph.</source>
        <translation>请在同一段落内选择文字。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_panel.py" line="188"/>
        <source>Give the selected text an emotion (Ctrl+E).</source>
        <translation>为选中的文字添加情感（Ctrl+E）。</translation>
    </message>
</context>
<context>
    <name>EmotionMenu</name>
    <message>
        <location filename="../../studio/gui/emotion_menu.py" line="60"/>
        <source>Insert emotion</source>
        <translation>插入情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_menu.py" line="65"/>
        <source>Intensity</source>
        <translation>强度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_menu.py" line="71"/>
        <source>How strongly the emotion is expressed: 0.01 to 2.0 (1.0 is normal).</source>
        <translation>情感表达的强烈程度：0.01 到 2.0（1.0 为正常）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_menu.py" line="89"/>
        <source>{label} ({key})</source>
        <translation>{label}（{key}）</translation>
    </message>
</context>
<context>
    <name>ExportConfirm</name>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="71"/>
        <source>Counting what this export would send…</source>
        <translation>正在统计这次导出要提交的内容…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="115"/>
        <source>This export renders {characters} characters with paid vendors first (more than your limit of {limit}).</source>
        <translation>这次导出会先用付费服务合成 {characters} 个字（超过您设定的 {limit} 个字上限）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="117"/>
        <source>Render and Export</source>
        <translation>合成并导出</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="131"/>
        <source>Nothing was sent: {error}</source>
        <translation>未提交任何内容：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="138"/>
        <source>Nothing was sent: the project could not be saved ({error}).</source>
        <translation>未提交任何内容：项目无法保存（{error}）。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="71"/>
        <location filename="../../studio/gui/export_dialog.py" line="223"/>
        <source>Export Audiobook</source>
        <extracomment>before an export with a paid voice: what it would render, asked for above the threshold</extracomment>
        <translation>导出有声书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="86"/>
        <source>Browse…</source>
        <extracomment>Shows a folder; returns why it could not (None when shown). An attribute so a test can use the real desktop call on the offscreen platform, where the default skips it.</extracomment>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="92"/>
        <source>None (the settings below)</source>
        <translation>无（使用下方设置）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="93"/>
        <source>ACX / Audible (MP3 per chapter, room tone)</source>
        <translation>ACX / Audible（每章一个 MP3，含环境底噪）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="94"/>
        <source>M4B for Apple Books / Audiobookshelf</source>
        <translation>M4B（Apple Books / Audiobookshelf）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="95"/>
        <source>Generic MP3</source>
        <translation>通用 MP3</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="98"/>
        <source>M4B audiobook (AAC, chapters)</source>
        <translation>M4B 有声书（AAC，含章节）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="98"/>
        <source>MP3 (ID3 chapters)</source>
        <translation>MP3（ID3 章节）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="99"/>
        <source>WAV + CUE sheet</source>
        <translation>WAV + CUE 索引</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="99"/>
        <source>FLAC + CUE sheet</source>
        <translation>FLAC + CUE 索引</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="100"/>
        <source>One file per chapter</source>
        <translation>每章一个文件</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="106"/>
        <source>Format default</source>
        <translation>格式默认值</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="110"/>
        <location filename="../../studio/gui/export_dialog.py" line="111"/>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="112"/>
        <source>Normalize loudness to</source>
        <translation>响度标准化为</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="118"/>
        <source>ACX preset</source>
        <translation>ACX 预设</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="119"/>
        <source>Audible&apos;s rules: -20 LUFS, peaks below -3 dB, noise floor checked</source>
        <translation>Audible 的要求：-20 LUFS，峰值低于 -3 dB，检查底噪</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="125"/>
        <source>Speak each chapter&apos;s title at its start</source>
        <translation>在每章开头朗读章节标题</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="126"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="127"/>
        <source>one file</source>
        <translation>单个文件</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="129"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="132"/>
        <source>SRT and LRC</source>
        <translation>SRT 和 LRC</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="136"/>
        <source>No cover</source>
        <translation>无封面</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="137"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="143"/>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="145"/>
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="146"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="154"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="155"/>
        <source>Bitrate</source>
        <translation>码率</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="156"/>
        <source>Gap between paragraphs</source>
        <translation>段落间隔</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="157"/>
        <source>Gap between chapters</source>
        <translation>章节间隔</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="158"/>
        <source>Loudness</source>
        <translation>响度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="159"/>
        <source>Split into parts of</source>
        <translation>分卷长度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="160"/>
        <source>Subtitles</source>
        <translation>字幕</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="161"/>
        <source>Chapter titles</source>
        <translation>章节标题</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="162"/>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="164"/>
        <source>Title</source>
        <translation>书名</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="165"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="166"/>
        <source>Cover image</source>
        <translation>封面图片</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="171"/>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="176"/>
        <source>Open the folder when done</source>
        <translation>完成后打开所在文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="179"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="223"/>
        <source>Audiobooks (*.m4b *.mp3 *.wav *.flac)</source>
        <translation>有声书 (*.m4b *.mp3 *.wav *.flac)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="227"/>
        <source>Cover Image</source>
        <translation>封面图片</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="227"/>
        <source>Images (*.jpg *.jpeg *.png)</source>
        <translation>图片 (*.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="290"/>
        <source>Choose an output file.</source>
        <translation>请选择输出文件。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="295"/>
        <source>{n} emotion problems must be fixed before export (see the editor).</source>
        <translation>导出前必须修正 {n} 处情感标注问题（见编辑器）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="323"/>
        <source>Saving the project…</source>
        <translation>正在保存项目…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="330"/>
        <source>Rendering…</source>
        <translation>正在合成…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="337"/>
        <location filename="../../studio/gui/export_dialog.py" line="394"/>
        <source>Export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="343"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="361"/>
        <source>Rendering… {p}%</source>
        <translation>正在合成… {p}%</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="362"/>
        <source>Encoding… {p}%</source>
        <translation>正在编码… {p}%</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="368"/>
        <source>{path} is up to date (nothing changed since it was exported): {chapters} chapters, {minutes} minutes.</source>
        <translation>{path} 已是最新（导出后没有任何改动）：{chapters} 章，{minutes} 分钟。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="370"/>
        <source>Wrote {path}: {chapters} chapters, {minutes} minutes.</source>
        <translation>已写入 {path}：{chapters} 章，{minutes} 分钟。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="386"/>
        <source>Could not open the folder {folder}: {reason}</source>
        <translation>无法打开文件夹 {folder}：{reason}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="392"/>
        <source>Export cancelled.</source>
        <translation>导出已取消。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_dialog.py" line="403"/>
        <source>Cancel the export before closing.</source>
        <translation>请先取消导出再关闭。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_folder.py" line="38"/>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_folder.py" line="41"/>
        <source>no file manager answered (the desktop refused to open it)</source>
        <translation>没有文件管理器响应（桌面环境拒绝打开）</translation>
    </message>
</context>
<context>
    <name>FindingsModel</name>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="74"/>
        <source>Opening credits</source>
        <translation>片头</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="74"/>
        <source>Closing credits</source>
        <translation>片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="75"/>
        <source>Chapter {c}, paragraph {p}</source>
        <translation>第 {c} 章，第 {p} 段</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="89"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="89"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="89"/>
        <source>What was found</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="89"/>
        <source>What to do</source>
        <translation>处理建议</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="94"/>
        <source>Skipped sentence</source>
        <translation>漏读句子</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="94"/>
        <source>Extra sentence</source>
        <translation>多出的句子</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="95"/>
        <source>Too fast (truncated?)</source>
        <translation>过快（被截断？）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="95"/>
        <source>Too slow (stretched?)</source>
        <translation>过慢（被拉长？）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="96"/>
        <source>Long silence</source>
        <translation>长时间静音</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="96"/>
        <source>Clipping</source>
        <translation>削波失真</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="97"/>
        <source>DC offset</source>
        <translation>直流偏移</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="97"/>
        <source>Silent audio</source>
        <translation>无声音频</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="98"/>
        <source>Audio cut short</source>
        <translation>音频被截短</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="98"/>
        <source>Audio ends early</source>
        <translation>音频提前结束</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="99"/>
        <source>Unreadable audio</source>
        <translation>音频无法读取</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="99"/>
        <source>Not heard</source>
        <translation>未识别到</translation>
    </message>
</context>
<context>
    <name>ImportWarningsDock</name>
    <message>
        <location filename="../../studio/gui/import_warnings_dock.py" line="16"/>
        <location filename="../../studio/gui/import_warnings_dock.py" line="32"/>
        <source>Import Warnings</source>
        <translation>导入警告</translation>
    </message>
    <message>
        <location filename="../../studio/gui/import_warnings_dock.py" line="31"/>
        <source>Import Warnings ({n})</source>
        <translation>导入警告（{n}）</translation>
    </message>
</context>
<context>
    <name>JobDock</name>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="47"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="71"/>
        <location filename="../../studio/gui/job_dock.py" line="145"/>
        <source>No render yet.</source>
        <translation>尚未合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="72"/>
        <source>Render Book</source>
        <translation>合成全书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="73"/>
        <source>Cancel All</source>
        <translation>全部取消</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="76"/>
        <source>Retry Failed</source>
        <translation>重试失败项</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="78"/>
        <source>Render again: finished units come from the cache, failed and cancelled ones are tried again</source>
        <translation>重新合成：已完成的部分取自缓存，失败和已取消的部分会重试</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="81"/>
        <location filename="../../studio/gui/job_dock.py" line="171"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="84"/>
        <source>Submit nothing new; tasks already at the vendor finish</source>
        <translation>不再提交新任务；已提交给服务商的任务会继续完成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="86"/>
        <source>Retry Selected</source>
        <translation>重试所选</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="87"/>
        <source>Render just the selected units again</source>
        <translation>只重新合成所选的任务</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="88"/>
        <source>Retry Selected Units</source>
        <translation>重试所选任务</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="91"/>
        <source>Cancel Selected Units</source>
        <translation>取消所选任务</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="99"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="101"/>
        <source>Show every render unit, or fold the drawer to one line</source>
        <translation>显示每个合成单元，或把面板收起为一行</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="151"/>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="158"/>
        <source>coming with the scheduler</source>
        <translation>将随调度器一同提供</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="163"/>
        <source>Unfinished render: {remaining} of {total} paragraphs have no audio, {live} still at the vendor.</source>
        <translation>未完成的合成：{total} 段中有 {remaining} 段还没有音频，{live} 个任务仍在服务商处。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="171"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="193"/>
        <source>Retrying {n} units…</source>
        <translation>正在重试 {n} 个任务…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="202"/>
        <source>{done} / {total} characters · {units_done}/{units} paragraphs</source>
        <translation>{done} / {total} 字 · {units_done}/{units} 段</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="206"/>
        <source>ETA {eta}</source>
        <translation>预计剩余 {eta}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="208"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="210"/>
        <source>est. cost {cost}</source>
        <translation>预计费用 {cost}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_dock.py" line="213"/>
        <source>{n} failed</source>
        <translation>{n} 项失败</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <location filename="../../studio/gui/job_model.py" line="115"/>
        <source>queued</source>
        <extracomment>A row&apos;s first paragraph for the opening and closing credits (``studio.render.credits_plan``, not imported: the window starts without the planner).</extracomment>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="115"/>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="116"/>
        <source>running</source>
        <translation>合成中</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="116"/>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="117"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="117"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="118"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="135"/>
        <source>Alibaba</source>
        <translation>阿里云</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="135"/>
        <source>Baidu</source>
        <translation>百度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="135"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="143"/>
        <source>{state} (cached)</source>
        <translation>{state}（缓存）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="165"/>
        <source>Chapter</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="165"/>
        <source>¶</source>
        <translation>段</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="165"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="165"/>
        <source>Voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="165"/>
        <source>Characters</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="166"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="166"/>
        <source>Task ID</source>
        <translation>任务 ID</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="166"/>
        <source>Vendor code</source>
        <translation>服务商代码</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="167"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../studio/gui/job_model.py" line="166"/>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/gui/main_window.py" line="117"/>
        <location filename="../../studio/gui/main_window.py" line="363"/>
        <source>Audiobook Studio</source>
        <translation>有声书工作室</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="192"/>
        <source>&amp;New Project from Manuscript…</source>
        <translation>从文稿新建项目(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="193"/>
        <source>Import a manuscript into a new project</source>
        <translation>把文稿导入新项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="194"/>
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="195"/>
        <source>Open a project folder</source>
        <translation>打开项目文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="196"/>
        <source>Open &amp;Recent</source>
        <translation>最近的项目(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="198"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="199"/>
        <source>Save the project (it is also saved automatically)</source>
        <translation>保存项目（也会自动保存）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="200"/>
        <source>&amp;Export Audiobook…</source>
        <translation>导出有声书(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="201"/>
        <source>Write the audiobook file</source>
        <translation>写出有声书文件</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="205"/>
        <source>&amp;Accounts…</source>
        <translation>账户(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="206"/>
        <source>Cloud credentials for Alibaba and Baidu</source>
        <translation>阿里云和百度的云端凭据</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="207"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="212"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="219"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="221"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="223"/>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="228"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="233"/>
        <source>&amp;Chapter</source>
        <translation>章节(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="237"/>
        <source>Review &amp;Structure…</source>
        <translation>审阅章节结构(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="238"/>
        <source>Confirm which lines start chapters (a snapshot is taken before any change)</source>
        <translation>确认哪些行是章节开头（改动前先保存快照）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="242"/>
        <source>&amp;Render Book</source>
        <translation>合成全书(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="243"/>
        <source>Synthesize every paragraph that has no audio yet</source>
        <translation>合成所有还没有音频的段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="244"/>
        <source>Render &amp;Chapter</source>
        <translation>合成本章(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="246"/>
        <source>Synthesize the selected chapter</source>
        <translation>合成所选章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="247"/>
        <source>&amp;Cancel Render</source>
        <translation>取消合成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="248"/>
        <source>&amp;Pause Render</source>
        <translation>暂停合成(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="250"/>
        <source>Submit nothing new (tasks at the vendor finish); again to resume</source>
        <translation>不再提交新任务（服务商处的任务会继续完成）；再按一次继续</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="252"/>
        <source>Preview C&amp;hapter</source>
        <translation>试听本章(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="253"/>
        <source>Synthesize and play the selected chapter</source>
        <translation>合成并播放所选章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="254"/>
        <source>Preview &amp;Book</source>
        <translation>试听全书(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="255"/>
        <source>Play the book&apos;s rendered audio, chapter after chapter</source>
        <translation>按章节顺序播放全书已合成的音频</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="258"/>
        <source>Check &amp;Audio</source>
        <translation>检查音频(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="259"/>
        <source>Proof-listen: find skipped sentences and odd audio</source>
        <translation>校听：查找漏读的句子和异常音频</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="260"/>
        <source>&amp;Render</source>
        <translation>合成(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="268"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="273"/>
        <source>Reset &amp;Layout</source>
        <translation>重置布局(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="275"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="276"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="278"/>
        <source>Open &amp;Log Folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="279"/>
        <source>&amp;About Audiobook Studio</source>
        <translation>关于有声书工作室(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="281"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="286"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="287"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="298"/>
        <source>Use Selected Voice for Paragraph</source>
        <translation>为段落使用所选音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="300"/>
        <source>Paragraph &amp;Delivery…</source>
        <translation>段落语速语调(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="301"/>
        <source>Speed, pitch and volume of the selected paragraphs</source>
        <translation>所选段落的语速、音调和音量</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="321"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="365"/>
        <source>{title}[*] — Audiobook Studio</source>
        <translation>{title}[*] — 有声书工作室</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="387"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="389"/>
        <source>Failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="395"/>
        <source>{error}

Details are in the log: {log}</source>
        <translation>{error}

详细信息见日志：{log}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="415"/>
        <location filename="../../studio/gui/main_window.py" line="421"/>
        <source>Opening {path}…</source>
        <translation>正在打开 {path}…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="427"/>
        <source>Importing {path}…</source>
        <translation>正在导入 {path}…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="446"/>
        <source>Manuscripts (*.txt *.md *.markdown *.epub *.docx);;All files (*)</source>
        <translation>文稿 (*.txt *.md *.markdown *.epub *.docx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="447"/>
        <source>New Project from Manuscript</source>
        <translation>从文稿新建项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="450"/>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="456"/>
        <source>No recent projects</source>
        <translation>没有最近的项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="465"/>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="472"/>
        <source>{path} is no longer a project folder; it was removed from the list.</source>
        <translation>{path} 已不是项目文件夹，已从列表中移除。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="486"/>
        <source>Imported: {chapters} chapters, {paragraphs} paragraphs, {characters} characters; {warnings} warnings</source>
        <translation>已导入：{chapters} 章，{paragraphs} 段，{characters} 字；{warnings} 条警告</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="502"/>
        <source>This manuscript was imported before: opened its project {path}. Use File ▸ New Project to import it again.</source>
        <translation>此文稿以前导入过：已打开它的项目 {path}。如需重新导入，请使用“文件 ▸ 新建项目”。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="505"/>
        <source>Opened {path}</source>
        <translation>已打开 {path}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="544"/>
        <source>Rendering…</source>
        <translation>正在合成…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="565"/>
        <source>Counting what this render would send…</source>
        <translation>正在统计这次合成要发送的内容…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="589"/>
        <source>Chapter {c}, paragraph {p}: {text}</source>
        <translation>第 {c} 章第 {p} 段：{text}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="592"/>
        <source>… and {n} more.</source>
        <translation>……另有 {n} 处。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="597"/>
        <source>Nothing was sent: fix these emotions first (they are underlined in the editor).</source>
        <translation>尚未发送任何内容：请先修正这些情感标注（编辑器中已用下划线标出）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="625"/>
        <source>Playing {label}</source>
        <translation>正在播放 {label}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="658"/>
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="697"/>
        <source>Put the cursor in a paragraph first.</source>
        <translation>请先把光标放在一个段落中。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="729"/>
        <source>The new language applies on the next start: the studio is busy now.</source>
        <translation>工作室正忙，新语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="779"/>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="790"/>
        <source>Audiobook Studio {version}
Turn a manuscript into a finished audiobook.</source>
        <translation>有声书工作室 {version}
把文稿变成完整的有声书。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="202"/>
        <source>Sna&amp;pshots…</source>
        <translation>快照(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="203"/>
        <source>Earlier versions of the book (kept before every re-import and restore); restore one</source>
        <translation>本书的早期版本（每次重新导入和恢复之前保存）；可恢复其中之一</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="497"/>
        <source>This manuscript changed since it was imported: its project {path} is opened as it is, nothing was replaced. Use File ▸ New Project to import the new text, or `studio import --reimport` to carry your work over to it.</source>
        <translation>此文稿在导入后已更改：已按原样打开它的项目 {path}，没有替换任何内容。要导入新文本，请使用 文件 ▸ 从文稿新建项目；要把你的修改带到新文本，请使用 `studio import --reimport`。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="493"/>
        <source>Restored snapshot {restored}; the book it replaced is snapshot {before} (File ▸ Snapshots… brings it back).</source>
        <translation>已恢复快照 {restored}；被替换的书保存为快照 {before}（文件 ▸ 快照… 可找回）。</translation>
    </message>
</context>
<context>
    <name>ParagraphEditor</name>
    <message>
        <location filename="../../studio/gui/editor.py" line="98"/>
        <source>Open a project or import a manuscript (File menu), then pick a chapter.</source>
        <translation>请打开项目或导入文稿（“文件”菜单），然后选择一个章节。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor.py" line="219"/>
        <source>Paragraphs cannot be split here; the text of each paragraph is edited in place.</source>
        <translation>这里不能拆分段落；每个段落的文字在原处编辑。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor.py" line="225"/>
        <source>Paragraphs cannot be joined here; use Chapter ▸ Merge for chapters.</source>
        <translation>这里不能合并段落；合并章节请使用“章节 ▸ 合并”。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor.py" line="231"/>
        <location filename="../../studio/gui/editor.py" line="247"/>
        <source>Edit one paragraph at a time: the selection covers several paragraphs.</source>
        <translation>请一次只编辑一个段落：当前选区跨越了多个段落。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor.py" line="396"/>
        <source>Emotion: {label} ({category}), intensity {intensity}</source>
        <translation>情感：{label}（{category}），强度 {intensity}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_gutter.py" line="120"/>
        <source>Paragraph {n}: {chars} characters, voice {voice}</source>
        <extracomment>Texts are spelled out as QCoreApplication.translate(&quot;ParagraphEditor&quot;, ...) for lupdate (literals only). The ▶ button&apos;s strip at the gutter&apos;s right edge (pixels).</extracomment>
        <translation>第 {n} 段：{chars} 字，音色 {voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_gutter.py" line="123"/>
        <source>This paragraph has its own voice.</source>
        <translation>此段落使用自己的音色。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_gutter.py" line="128"/>
        <source>The pronunciation changed: this paragraph will be rendered again.</source>
        <translation>读音已更改：此段落将重新合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/editor_gutter.py" line="131"/>
        <source>Preview this paragraph (F5)</source>
        <translation>试听此段落（F5）</translation>
    </message>
</context>
<context>
    <name>PlayerDock</name>
    <message>
        <location filename="../../studio/gui/player.py" line="48"/>
        <source>Player</source>
        <translation>播放器</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="60"/>
        <source>Play/Pause</source>
        <translation>播放/暂停</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="64"/>
        <source>Play or pause the preview (Space)</source>
        <translation>播放或暂停试听（空格）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="66"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="78"/>
        <source>Nothing to play. Preview a paragraph (F5) or audition a voice.</source>
        <translation>没有可播放的内容。请试听一个段落（F5）或试听一个音色。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="81"/>
        <source>Playback needs PySide6-Addons (QtMultimedia).</source>
        <translation>播放需要 PySide6-Addons（QtMultimedia）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="83"/>
        <source>No audio device: playback is silent (the highlight still follows).</source>
        <translation>没有音频设备：播放无声（高亮仍会跟随）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="147"/>
        <source>{label} ({n} of {total})</source>
        <translation>{label}（第 {n} / {total} 段）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/player.py" line="235"/>
        <source>Cannot play: {error}</source>
        <translation>无法播放：{error}</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="39"/>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="42"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="42"/>
        <source>Alibaba</source>
        <translation>阿里云</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="42"/>
        <source>Baidu</source>
        <translation>百度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="44"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="47"/>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="51"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="52"/>
        <source>A new language applies at once (during a render: on the next start).</source>
        <translation>新语言立即生效（合成进行中时：下次启动生效）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="57"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="58"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="60"/>
        <source>Autosave every</source>
        <translation>自动保存间隔</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="61"/>
        <source>Reopen the last project on start</source>
        <translation>启动时重新打开上次的项目</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="65"/>
        <source>Engines</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="68"/>
        <source>Public internet</source>
        <translation>公网</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="69"/>
        <source>Alibaba Cloud internal network (ECS in Shanghai)</source>
        <translation>阿里云内网（上海地域 ECS）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="71"/>
        <source>Alibaba endpoint</source>
        <translation>阿里云接入点</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="79"/>
        <source>{engine}: tasks at once</source>
        <translation>{engine}：同时进行的任务数</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="81"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="82"/>
        <source>Cache Folder</source>
        <translation>缓存文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="87"/>
        <source>Audition cache</source>
        <translation>试听缓存</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="89"/>
        <source>Cost estimate</source>
        <translation>费用估算</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="96"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="98"/>
        <source>{engine}: price per 10,000 characters</source>
        <translation>{engine}：每万字价格</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="104"/>
        <source> characters</source>
        <translation> 字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="105"/>
        <source>always ask</source>
        <translation>总是询问</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="106"/>
        <source>Ask before a cloud render over</source>
        <translation>云端合成超过此字数时先询问</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preferences_dialog.py" line="107"/>
        <source>Enter your contract&apos;s prices (blank: unknown; the vendor documents we ship list no prices); Render Book then shows what a render costs before it sends anything.</source>
        <translation>请填写您合同中的价格（留空表示未知；随附的服务商文档未列出价格）；合成全书时会在发送前显示费用。</translation>
    </message>
</context>
<context>
    <name>PreviewService</name>
    <message>
        <location filename="../../studio/gui/preview.py" line="130"/>
        <source>Synthesizing paragraph {n}…</source>
        <translation>正在合成第 {n} 段…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="137"/>
        <source>Synthesizing “{title}”…</source>
        <translation>正在合成“{title}”…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="147"/>
        <source>Skipped {n} paragraph(s) that have no audio yet: render the book to hear them.</source>
        <translation>已跳过 {n} 个还没有音频的段落：合成全书后即可收听。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="148"/>
        <source>Nothing to play yet: render the book first.</source>
        <translation>还没有可播放的内容：请先合成全书。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="170"/>
        <source>Collecting the book&apos;s audio…</source>
        <translation>正在收集全书的音频…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="182"/>
        <source>Nothing to preview: the paragraph is empty.</source>
        <translation>没有可试听的内容：该段落为空。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="211"/>
        <source>Audition: {voice}</source>
        <translation>试听：{voice}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/preview.py" line="228"/>
        <source>Synthesizing a sample of {voice}…</source>
        <translation>正在合成 {voice} 的试听样本…</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="68"/>
        <source>The voice {voice} has no emotions: remove “{category}” or choose a multi-emotion voice.</source>
        <translation>音色 {voice} 不支持情感：请移除“{category}”，或选择多情感音色。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="70"/>
        <source>The voice {voice} does not support the emotion “{category}”.</source>
        <translation>音色 {voice} 不支持情感“{category}”。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="72"/>
        <source>The intensity of “{category}” must be between 0.01 and 2.0.</source>
        <translation>“{category}”的强度必须在 0.01 到 2.0 之间。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="74"/>
        <source>The emotion “{category}” lies outside the text.</source>
        <translation>情感“{category}”超出了文字范围。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="75"/>
        <source>The emotion “{category}” overlaps another emotion.</source>
        <translation>情感“{category}”与另一处情感重叠。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/emotion_marks.py" line="76"/>
        <source>An emotion has no category.</source>
        <translation>有一处情感没有类别。</translation>
    </message>
</context>
<context>
    <name>QaDock</name>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="121"/>
        <source>Proof-listening</source>
        <translation>校听</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="134"/>
        <source>Check Audio</source>
        <translation>检查音频</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="135"/>
        <source>Compare every rendered paragraph&apos;s audio with its text</source>
        <translation>将每个已合成段落的音频与其文本对照</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="137"/>
        <source>Re-render This</source>
        <translation>重新合成此段</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="138"/>
        <source>Set this paragraph&apos;s audio aside and synthesize it again</source>
        <translation>保留此段现有音频备查，并重新合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="140"/>
        <location filename="../../studio/gui/qa_panel.py" line="174"/>
        <source>Not checked yet.</source>
        <translation>尚未检查。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="159"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="163"/>
        <source>The check failed: {error}</source>
        <translation>检查失败：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="199"/>
        <source>Could not set the audio aside: {error}</source>
        <translation>无法移开原有音频：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="203"/>
        <source>Re-rendering the credits…</source>
        <translation>正在重新合成片头片尾…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="204"/>
        <source>Re-rendering chapter {c}, paragraph {p}…</source>
        <translation>正在重新合成第 {c} 章第 {p} 段…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="211"/>
        <source>Checking… {done}/{total}</source>
        <translation>正在检查… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="216"/>
        <source>No findings in {n} rendered units.</source>
        <translation>{n} 个已合成单元，未发现问题。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/qa_panel.py" line="218"/>
        <source>{count} findings in {n} rendered units.</source>
        <translation>{n} 个已合成单元中发现 {count} 个问题。</translation>
    </message>
</context>
<context>
    <name>QuoteModel</name>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="69"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="69"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="69"/>
        <source>Quote</source>
        <translation>引语</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="69"/>
        <source>Why</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../studio/gui/cast_panel.py" line="78"/>
        <source>Narrator</source>
        <translation>旁白</translation>
    </message>
</context>
<context>
    <name>RenderConfirm</name>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="26"/>
        <source>free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="28"/>
        <source>cost unknown (no price in Preferences)</source>
        <translation>费用未知（首选项中未填价格）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="30"/>
        <source>about {cost}</source>
        <translation>约 {cost}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="32"/>
        <source>time unknown</source>
        <translation>时间未知</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="34"/>
        <source>at least {minutes} min</source>
        <translation>至少 {minutes} 分钟</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="35"/>
        <source>{engine}: {characters} characters in {tasks} tasks, {cost}, {time}</source>
        <translation>{engine}：{characters} 字，{tasks} 个任务，{cost}，{time}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="57"/>
        <source>Rendering: {estimate}</source>
        <translation>正在合成：{estimate}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="62"/>
        <source>Send this render to the vendors?</source>
        <translation>把这次合成发送给服务商吗？</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="63"/>
        <source>This render sends {characters} characters to paid vendors (more than your limit of {limit}).</source>
        <translation>这次合成会向付费服务商发送 {characters} 字（超过您设定的 {limit} 字）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_confirm.py" line="67"/>
        <source>Render</source>
        <translation>合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/export_confirm.py" line="128"/>
        <location filename="../../studio/gui/render_confirm.py" line="77"/>
        <source>Nothing was sent.</source>
        <translation>没有发送任何内容。</translation>
    </message>
</context>
<context>
    <name>RenderController</name>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="256"/>
        <source>Stopping the render: waiting for the vendor to confirm the tasks already sent, so that none is paid for twice…</source>
        <translation>正在停止合成：等待服务商确认已提交的任务，以免重复计费……</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="258"/>
        <source>Closing</source>
        <translation>正在关闭</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="396"/>
        <source>Opening credits</source>
        <translation>片头</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="396"/>
        <source>Closing credits</source>
        <translation>片尾</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="429"/>
        <source>Done: {rendered} units rendered and {cached} taken from the cache in {seconds} s.</source>
        <translation>完成：合成 {rendered} 个任务，{cached} 个取自缓存，用时 {seconds} 秒。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="440"/>
        <source>Render finished; {n} cancelled unit(s) have no audio: select them and press Retry to render them.</source>
        <translation>合成结束；{n} 个已取消的单元没有音频：选中它们并点击“重试”即可合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="443"/>
        <source>Render cancelled. Rendered paragraphs are kept; render again to continue.</source>
        <translation>合成已取消。已合成的段落均已保留；再次合成即可继续。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_controller.py" line="445"/>
        <source>Render failed: {error}</source>
        <translation>合成失败：{error}</translation>
    </message>
</context>
<context>
    <name>RenderGuard</name>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="29"/>
        <source>A render is running</source>
        <translation>正在合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="31"/>
        <source>A render is running. Pause it and quit?</source>
        <translation>正在合成。暂停合成并退出吗？</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="32"/>
        <source>Pause and Quit</source>
        <translation>暂停并退出</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="34"/>
        <source>A render is running. Pause it and open the other project?</source>
        <translation>正在合成。暂停合成并打开另一个项目吗？</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="35"/>
        <source>Pause and Open</source>
        <translation>暂停并打开</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="36"/>
        <source>Tasks already sent to the vendor are waited for and kept, so none is paid for twice. The project offers to resume the render when it is opened again.</source>
        <translation>已提交给服务商的任务会等到确认并保留，不会重复计费。再次打开项目时可以继续合成。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/render_guard.py" line="39"/>
        <source>Keep Rendering</source>
        <translation>继续合成</translation>
    </message>
</context>
<context>
    <name>ResumeBar</name>
    <message>
        <location filename="../../studio/gui/main_window.py" line="78"/>
        <source>Resume Rendering</source>
        <extracomment>Bumped when the docks&apos; arrangement changes, so a remembered layout from before is not restored over it.</extracomment>
        <translation>继续合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="79"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="92"/>
        <source>Unfinished render: {remaining} of {total} to go.</source>
        <translation>合成未完成：还剩 {remaining} / {total}。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="94"/>
        <source>An earlier render of this project stopped before it finished: {remaining} of {total} paragraphs still have no audio. Rendered paragraphs are kept; tasks still at the vendor are picked up, not paid for again.</source>
        <translation>本项目上次合成在完成前中断：{total} 个段落中还有 {remaining} 个没有音频。已合成的段落会保留；仍在服务商处的任务会继续查询，不会重复计费。</translation>
    </message>
</context>
<context>
    <name>SnapshotsDialog</name>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="48"/>
        <source>Snapshots</source>
        <translation>快照</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="52"/>
        <source>A snapshot of the book is taken before every re-import and every restore. Restoring one first snapshots the current book, so a restore can be undone.</source>
        <translation>每次重新导入和每次恢复之前都会为本书保存快照。恢复某个快照前会先为当前的书保存快照，因此恢复可以撤销。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="57"/>
        <source>Taken</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="57"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="57"/>
        <source>Chapters</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="57"/>
        <source>Paragraphs</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="61"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="62"/>
        <source>Make this snapshot the book again</source>
        <translation>将此快照恢复为当前的书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="84"/>
        <source>This project has no snapshots yet: one is taken before every re-import and every restore.</source>
        <translation>此项目还没有快照：每次重新导入和每次恢复之前都会保存一个。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/snapshots_dialog.py" line="94"/>
        <source>Not while a render of this project runs</source>
        <translation>此项目正在合成时不可恢复</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../studio/gui/startup.py" line="33"/>
        <source>The last project ({path}) is no longer there; open one from File ▸ Open Recent.</source>
        <translation>上次的项目（{path}）已不存在；请从“文件 ▸ 最近的项目”打开一个项目。</translation>
    </message>
</context>
<context>
    <name>StructureReview</name>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="345"/>
        <source>Review Chapters before Import</source>
        <translation>导入前审阅章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="348"/>
        <source>Import cancelled: no project was created for {path}.</source>
        <translation>已取消导入：没有为 {path} 创建项目。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="368"/>
        <source>Review structure</source>
        <translation>审阅章节结构</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="370"/>
        <source>Chapters changed by the review; the book before it is snapshot {id} (File ▸ Snapshots… brings it back).</source>
        <translation>章节已按审阅结果修改；修改前的书保存为快照 {id}（文件 ▸ 快照… 可恢复）。</translation>
    </message>
</context>
<context>
    <name>StructureReviewDialog</name>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="122"/>
        <source>Review Chapters</source>
        <translation>审阅章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="128"/>
        <source>Tick the lines that start a chapter. Unticked headings stay in the text as ordinary paragraphs: nothing is lost.</source>
        <translation>勾选作为章节开头的行。未勾选的标题会作为普通段落留在正文中，不会丢失任何文字。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="136"/>
        <source>Treat Lines Like This as Headings</source>
        <translation>把类似的行都当作标题</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="137"/>
        <source>Every line shaped like the selected heading or text line (same words, any number) starts a chapter</source>
        <translation>与所选标题或正文行形式相同（文字相同、编号任意）的每一行都作为章节开头</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="154"/>
        <source>Custom expression, e.g. ^第.+回</source>
        <translation>自定义正则表达式，例如 ^第.+回</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="156"/>
        <source>Use Expression</source>
        <translation>使用表达式</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="166"/>
        <source>Left out (added by a website): {line}</source>
        <translation>已略去（网站添加的内容）：{line}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="172"/>
        <source>Import warnings ({count})</source>
        <translation>导入警告（{count}）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="184"/>
        <source>The text (select any line):</source>
        <translation>正文（可选择任意一行）：</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="193"/>
        <source>Chapters after this review:</source>
        <translation>审阅后的章节：</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="222"/>
        <source>like a heading you chose</source>
        <translation>与您选定的标题形式相同</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="248"/>
        <source>Not a valid expression: {error}</source>
        <translation>不是有效的表达式：{error}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="261"/>
        <source>The expression gives {count} chapters (Use Expression to keep them).</source>
        <translation>该表达式得到 {count} 个章节（点“使用表达式”保留）。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="270"/>
        <source>Characters before: {before} · after: {after}{mark}</source>
        <translation>修改前字数：{before} · 修改后：{after}{mark}</translation>
    </message>
</context>
<context>
    <name>StructureReviewModel</name>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="84"/>
        <source>Heading</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="84"/>
        <source>Text after it</source>
        <translation>其后的正文</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="84"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/structure_review.py" line="84"/>
        <source>Why</source>
        <translation>依据</translation>
    </message>
</context>
<context>
    <name>TakesDock</name>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="84"/>
        <source>Takes</source>
        <translation>录音版本</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="93"/>
        <source>Put the cursor in a paragraph to see its takes.</source>
        <translation>将光标放在段落中即可查看其录音版本。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="99"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="101"/>
        <source>Play Takes A/B</source>
        <translation>A/B 对比播放版本</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="105"/>
        <source>A/B</source>
        <translation>A/B</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="106"/>
        <source>Play the newest take, then the one before it ({key})</source>
        <translation>先播放最新的版本，再播放上一个版本（{key}）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="109"/>
        <source>Pin</source>
        <translation>选定</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="110"/>
        <source>The export uses the pinned take of this paragraph</source>
        <translation>导出时使用本段选定的版本</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="112"/>
        <source>Clean Up &amp;Takes</source>
        <translation>清理录音版本(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="113"/>
        <source>Delete every take that is neither pinned nor current, freeing disk</source>
        <translation>删除既未选定也非当前的所有版本，释放磁盘空间</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="116"/>
        <location filename="../../studio/gui/takes_panel.py" line="251"/>
        <source>Render Again</source>
        <translation>重新合成</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="117"/>
        <source>Synthesize this paragraph again; the current audio stays a take</source>
        <translation>重新合成本段；当前音频保留为一个版本</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="145"/>
        <source>Chapter {c}, paragraph {p}</source>
        <translation>第 {c} 章，第 {p} 段</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="167"/>
        <source>pinned</source>
        <translation>已选定</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="169"/>
        <source>current</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="175"/>
        <source>No takes yet: render or preview the paragraph.</source>
        <translation>尚无版本：请合成或试听本段。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="185"/>
        <source>Take {label}</source>
        <translation>版本 {label}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="197"/>
        <source>A/B needs two takes of the paragraph.</source>
        <translation>A/B 对比需要本段至少有两个版本。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="218"/>
        <source>Pinned take #{n}: the export uses it for this paragraph.</source>
        <translation>已选定版本 #{n}：导出时本段使用它。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="252"/>
        <source>Nothing in this paragraph&apos;s request changed since it was rendered. Rendering it again on {engine} is paid for a second time. Render again anyway?</source>
        <translation>本段的合成请求自上次合成后没有任何变化。在 {engine} 上再次合成将再次计费。仍要重新合成吗？</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="271"/>
        <source>Deleted {n} takes, freed {mb} MB.</source>
        <translation>已删除 {n} 个版本，释放 {mb} MB。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/takes_panel.py" line="283"/>
        <source>Takes: {error}</source>
        <translation>录音版本：{error}</translation>
    </message>
</context>
<context>
    <name>VoiceDock</name>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="47"/>
        <source>Voices</source>
        <translation>音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="76"/>
        <source>Any engine</source>
        <translation>任意引擎</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="78"/>
        <source>Any language</source>
        <translation>任意语言</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="80"/>
        <source>Any gender</source>
        <translation>任意性别</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="81"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="83"/>
        <source>Any scenario</source>
        <translation>任意场景</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="85"/>
        <source>Emotion: no filter</source>
        <translation>情感：不筛选</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="85"/>
        <source>Any emotion</source>
        <translation>任意情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="86"/>
        <source>No emotions</source>
        <translation>无情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="89"/>
        <source>Any sample rate</source>
        <translation>任意采样率</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="90"/>
        <source>{khz} kHz</source>
        <translation>{khz} kHz</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="91"/>
        <source>Timestamps: any</source>
        <translation>时间戳：不限</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="92"/>
        <source>With timestamps</source>
        <translation>支持时间戳</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="92"/>
        <source>No timestamps</source>
        <translation>不支持时间戳</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="93"/>
        <source>Any tier</source>
        <translation>任意品质</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="96"/>
        <source>Search name, id, type…</source>
        <translation>搜索名称、ID、类型…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="108"/>
        <source>Audition</source>
        <translation>试听</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="109"/>
        <source>Speak a sample line in the selected voice</source>
        <translation>用所选音色朗读一句示例</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="111"/>
        <source>Use for Book</source>
        <translation>用于全书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="113"/>
        <source>Use for Chapter</source>
        <translation>用于本章</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="115"/>
        <location filename="../../studio/gui/voice_dock.py" line="124"/>
        <source>Use for Selected Paragraphs</source>
        <translation>用于所选段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="123"/>
        <source>Use for Paragraphs</source>
        <translation>用于段落</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="182"/>
        <source>{shown} of {total} voices</source>
        <translation>{shown} / {total} 个音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="188"/>
        <source>({voice} is hidden by the filters: no voice selected.)</source>
        <translation>（{voice} 被筛选条件隐藏：未选中音色。）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="209"/>
        <source>0 voices: {first} has no voice with {second}.</source>
        <translation>0 个音色：{first} 中没有支持{second}的音色。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="211"/>
        <source>0 voices match {filters}.</source>
        <translation>没有音色符合 {filters}。</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_dock.py" line="247"/>
        <source>Select a voice first.</source>
        <translation>请先选择一个音色。</translation>
    </message>
</context>
<context>
    <name>VoiceTableModel</name>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="73"/>
        <source>Alibaba</source>
        <translation>阿里云</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="73"/>
        <source>Baidu</source>
        <translation>百度</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="73"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="77"/>
        <source>female</source>
        <translation>女声</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="77"/>
        <source>male</source>
        <translation>男声</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="77"/>
        <source>child</source>
        <translation>童声</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="78"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="95"/>
        <source>{n}: {list}</source>
        <translation>{n} 种：{list}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="100"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="100"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="136"/>
        <source>Voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="136"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="136"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="136"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="137"/>
        <source>Emotions</source>
        <translation>情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="137"/>
        <source>Sample rates</source>
        <translation>采样率</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="137"/>
        <source>Timestamps</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="137"/>
        <source>Tier</source>
        <translation>品质</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="138"/>
        <source>Scenario</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../studio/gui/voice_model.py" line="138"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
</context>
<context>
    <name>commands</name>
    <message>
        <location filename="../../studio/gui/commands.py" line="56"/>
        <source>Rename chapter</source>
        <translation>重命名章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="70"/>
        <source>Split chapter</source>
        <translation>拆分章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="87"/>
        <source>Merge chapters</source>
        <translation>合并章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="103"/>
        <source>Move chapter</source>
        <translation>移动章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="117"/>
        <source>Add chapter</source>
        <translation>添加章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="134"/>
        <source>Delete chapter</source>
        <translation>删除章节</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="153"/>
        <source>Edit text</source>
        <translation>编辑文字</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="195"/>
        <source>Insert emotion</source>
        <translation>插入情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="213"/>
        <source>Remove emotion</source>
        <translation>移除情感</translation>
    </message>
    <message>
        <location filename="../../studio/gui/commands.py" line="260"/>
        <source>Change title and author</source>
        <translation>修改书名和作者</translation>
    </message>
</context>
<context>
    <name>delivery_mark</name>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="34"/>
        <source>speed ×{value}</source>
        <translation>语速 ×{value}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="36"/>
        <source>pitch ×{value}</source>
        <translation>音调 ×{value}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="38"/>
        <source>volume ×{value}</source>
        <translation>音量 ×{value}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="40"/>
        <source>pause after {ms} ms</source>
        <translation>段后停顿 {ms} 毫秒</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="43"/>
        <source>pauses inside: {list}</source>
        <translation>段内停顿：{list}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/delivery_mark.py" line="45"/>
        <source>Delivery: {settings}</source>
        <translation>朗读设置：{settings}</translation>
    </message>
</context>
<context>
    <name>pauses</name>
    <message>
        <location filename="../../studio/gui/pause_menu.py" line="33"/>
        <source>Insert a pause of {ms} ms</source>
        <translation>插入 {ms} 毫秒停顿</translation>
    </message>
    <message>
        <location filename="../../studio/gui/pause_menu.py" line="54"/>
        <source>Insert Pause</source>
        <translation>插入停顿</translation>
    </message>
    <message>
        <location filename="../../studio/gui/pause_menu.py" line="55"/>
        <source>Pause (milliseconds):</source>
        <translation>停顿（毫秒）：</translation>
    </message>
    <message>
        <location filename="../../studio/gui/pause_menu.py" line="70"/>
        <source>Insert Pause…</source>
        <translation>插入停顿…</translation>
    </message>
</context>
<context>
    <name>polyphones</name>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="85"/>
        <source>this one</source>
        <translation>仅此处</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="87"/>
        <source>everywhere in the book</source>
        <translation>全书</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="88"/>
        <source>Read as {reading} ({where})</source>
        <translation>读作 {reading}（{where}）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="98"/>
        <source>Read as {reading}</source>
        <translation>读作 {reading}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="124"/>
        <source>Read {written} as {reading} everywhere</source>
        <translation>全书将 {written} 读作 {reading}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="200"/>
        <location filename="../../studio/gui/polyphone_menu.py" line="223"/>
        <source>Read “{char}” as…</source>
        <extracomment>The say-as kinds offered for a number, in menu order (Alibaba&apos;s interpret-as values).</extracomment>
        <translation>将“{char}”读作…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="202"/>
        <source>a number</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="203"/>
        <source>digit by digit</source>
        <translation>逐位读</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="204"/>
        <source>a phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="205"/>
        <source>a date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="206"/>
        <source>a time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="207"/>
        <source>an amount of money</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="213"/>
        <location filename="../../studio/gui/polyphone_menu.py" line="227"/>
        <source>{reading} (this one)</source>
        <translation>{reading}（仅此处）</translation>
    </message>
    <message>
        <location filename="../../studio/gui/polyphone_menu.py" line="231"/>
        <source>{reading} (everywhere in the book)</source>
        <translation>{reading}（全书）</translation>
    </message>
</context>
</TS>
