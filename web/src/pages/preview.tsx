// The generated page as a static preview: nothing in it runs (see ../preview.ts).

import { useRef } from "preact/hooks";
import { ErrorBox, useLoad } from "../components";
import { loadPreview, PREVIEW_SANDBOX, styleFrame } from "../preview";

export function Preview({ id, files }: { id: string; files: string[] }) {
  const page = useLoad(() => loadPreview(id, files), [id, files.join("\n")]);
  const frame = useRef<HTMLIFrameElement>(null);
  if (!page.data && !page.error) return null;
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h3 id="preview-title">Preview of the generated page</h3>
      <p class="hint" id="preview-hint">
        The app's page (app/static/index.html with its stylesheet) as it reads without scripts:
        nothing in it runs here, and its forms and links do nothing. Download the app to use it.
      </p>
      <ErrorBox error={page.error} />
      {page.data && (
        <iframe
          ref={frame}
          class="preview-frame"
          title={`Preview: ${page.data.title || "the generated page"}`}
          aria-describedby="preview-hint"
          // No allow-scripts, ever: the generated page is hostile until proven otherwise.
          sandbox={PREVIEW_SANDBOX}
          referrerpolicy="no-referrer"
          srcdoc={page.data.html}
          data-testid="preview-frame"
          onLoad={() => {
            if (frame.current && page.data) {
              frame.current.dataset.styled = String(styleFrame(frame.current, page.data.css));
            }
          }}
        />
      )}
    </section>
  );
}
