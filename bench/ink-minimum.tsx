// The least a wizard on Ink can do before its first question: one line of text rendered by Ink 6 and React 19,
// bundled by `npm run bench` with this build's own plugins and run with a compile cache, as the wizard is. Its
// first output in a pty, beside the wizard's and bare node's, shows what the stack costs before any code of ours.
import { render, Text } from 'ink';

render(<Text>Which credential</Text>).unmount();
