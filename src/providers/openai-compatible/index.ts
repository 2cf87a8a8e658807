export { createOpenAICompatibleAdapter, presetSettings, type PresetSettings } from './presets';
