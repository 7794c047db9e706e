import { LabIcon } from '@jupyterlab/ui-components';

import svgstr from '../style/icons/nbalign.svg';

/** The sidebar tab icon: a target with an arrow reaching for it. */
export const nbalignIcon = new LabIcon({ name: 'nbalign:icon', svgstr });
